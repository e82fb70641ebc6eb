"""The read API's content, free of any web framework: JSON records, Atom feeds, SVG badges, the OpenAPI
description. Each builder takes a cursor and plain values and returns dicts or bytes; webui/api serves them
over HTTP with the dashboard's own connection. docs/api.md describes the fields.
"""


class ApiError(Exception):
    """A request the API refuses: its HTTP status and a message for the person who sent it."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message
