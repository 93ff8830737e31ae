"""Model ids and digests look like keys but go to no credential sink."""
import hashlib

from clarifai.client.model import Model

MODEL_ID = 'abefd71b1aa309dcfbcdde43c56ba637'
model = Model(model_id=MODEL_ID, user_id='clarifai', app_id='main')
digest = hashlib.md5(b'image bytes').hexdigest()
