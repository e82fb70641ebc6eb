"""The audit trail, its hash-chain check and its export, for admins (webui/audit_trail.py)."""
from webui.audit_trail import audit_page

audit_page()
