"""Online booking: a public page per clinic (off until the owner turns it on) where a client picks a
service, a therapist or "anyone", and a free slot; the booking is made only when the client confirms
it from the e-mail the request sends.

policy: the owner's choices; slots: free starts by the staff booking's own rules; requests: the
request, its e-mail link and its confirmation; public: the client's pages; views: the owner's settings.
"""
