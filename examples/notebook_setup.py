"""A notebook's first cell: the key written into the environment (CLR004)."""
import os

os.environ['CLARIFAI_PAT'] = '4dc02b492383ab790adeda2037750c7a'

from clarifai.client.user import User  # noqa: E402

apps = User(user_id='me').list_apps()
