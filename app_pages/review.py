"""The review queue: pending civil-society statements for the Support Unit to approve or reject; one's own
submissions for civil society; what the page is for, for the public (webui/review.py)."""
from webui.review import review_page

review_page()
