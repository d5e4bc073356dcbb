"""Models of the agreements app arrive with their issue (see README.md, "Roadmap")."""
