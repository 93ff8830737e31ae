"""Clarifai's REST docs snippet, with a key pasted into the header (CLR002)."""
import json
import urllib.request

URL = 'https://api.clarifai.com/v2/users/clarifai/apps/main/models/general-image-recognition/outputs'


def predict(image_url):
    body = {'inputs': [{'data': {'image': {'url': image_url}}}]}
    request = urllib.request.Request(
        URL,
        data=json.dumps(body).encode(),
        headers={'Authorization': 'Key 6745c5319fbc52375bb3de5de0e21aac', 'Content-Type': 'application/json'},
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)
