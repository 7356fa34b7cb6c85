"""The check-in a day or two after a session: the link in the message, the client's form, the triage
(clinic.rules.checkin), and where the answers land (the visit, the next visit's form, the home page).

links: the private link; answers: reading the form into the rule's Answers; public: the client's
pages; views: the therapist's "handled" button and the panels.
"""
