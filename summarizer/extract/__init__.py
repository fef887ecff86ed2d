"""Choose-and-cite briefs for small models (work in progress)."""
