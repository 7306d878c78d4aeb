"""The Textual face of the assistant (the only package that imports Textual)."""
