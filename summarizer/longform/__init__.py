"""Long articles: splitting (pure), token budgets, the map over chunks, merging partial briefs."""
