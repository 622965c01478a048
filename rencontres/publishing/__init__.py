"""Stage 4, build: a project folder → the files of an edition in output/.

Takes a `Project` (content/, templates/, output/); plans one job per document,
skips those whose inputs did not change (build state), renders the others in
parallel, then writes them atomically under a lock, with the PDFs, the manifest
and the bundle sent to members. Raises typed errors; prints nothing.
"""
