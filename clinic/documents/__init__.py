"""Documents on the record: checked uploads, encrypted files in a store, served as attachments only.

checks: what a file is, from its content, and its re-encoding; store: where the encrypted bytes live;
services: upload, remove, supersede (never commits); views: the routes; panels: the client page's list.
"""
