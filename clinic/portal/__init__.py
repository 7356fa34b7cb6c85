"""The client portal: a single-use sign-in link by e-mail, then the client's own appointments,
aftercare sheets, questionnaire and message choices."""
