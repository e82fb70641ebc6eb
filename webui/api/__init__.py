"""The read API, feeds and badges served by the dashboard's own process (app.py mounts `routes()`).

Handlers read through webui.data's cached connection, a new cursor per request, exactly as pages do;
what they return is built by monitor/api. See docs/api.md.
"""
from webui.api.routes import Api, routes

__all__ = ["Api", "routes"]
