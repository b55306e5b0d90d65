"""The young person's progression: self-assessments before each follow-up, and their trend (issue 12)."""
