"""Integration: therapy in the post-session window, mood and symptom tracking."""
