"""The converter: WordPress REST JSON (files, folders, or a live site) -> Markdown files with front matter."""
