"""The Python SDK with the PAT passed in (CLR003)."""
from clarifai.client.model import Model

MODEL_URL = 'https://clarifai.com/clarifai/main/models/general-image-recognition'

model = Model(url=MODEL_URL, pat='06e97a9fbfac4c00268775406778f3ca')
prediction = model.predict_by_url('https://samples.clarifai.com/metro-north.jpg', input_type='image')
print(prediction.outputs[0].data.concepts)
