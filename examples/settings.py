"""A settings module that keeps the key next to harmless ids (CLR005), and the key it replaced in
a comment (CLR006)."""
CLARIFAI_USER_ID = 'me'
CLARIFAI_APP_ID = 'photos'
# until 2026-03: CLARIFAI_PAT = '5ddebaec002414cc9180d757b8c41ac9'
CLARIFAI_PAT = '0c5336d8c6bf1d80b8bfb2de9467972a'
