"""ssg: a static-site archive generator for WordPress sites (REST JSON -> Markdown -> static HTML)."""

__version__ = "0.1.0"
