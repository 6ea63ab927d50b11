"""HTTP plumbing shared by the three routers: headers, error pages, request log, templates."""
