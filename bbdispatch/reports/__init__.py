"""Work statements rendered for clients and accounting: CSV, Markdown, HTML, JSON."""
