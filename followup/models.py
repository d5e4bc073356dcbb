"""Models of the followup app arrive with their issue (see README.md, "Roadmap")."""
