"""Running a class on Border Desk: scenario packs, students and role cards, inbox, facilitator console,
autopilot and printable period documents (issue 7)."""
