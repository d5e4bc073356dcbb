"""Models of the pledges app arrive with their issue (see README.md, "Roadmap")."""
