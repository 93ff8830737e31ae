"""A settings module that keeps the key next to harmless ids (CLR005)."""
CLARIFAI_USER_ID = 'me'
CLARIFAI_APP_ID = 'photos'
CLARIFAI_PAT = '0c5336d8c6bf1d80b8bfb2de9467972a'
