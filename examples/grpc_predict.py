"""Clarifai's gRPC docs snippet, with a key pasted in (CLR001)."""
import os
import sys

from clarifai_grpc.channel.clarifai_channel import ClarifaiChannel
from clarifai_grpc.grpc.api import resources_pb2, service_pb2, service_pb2_grpc
from clarifai_grpc.grpc.api.status import status_code_pb2

PAT = 'dd9264a8e20e457d18a1ca3fbc89abb3'
USER_ID = 'clarifai'
APP_ID = 'main'
MODEL_ID = 'general-image-recognition'
MODEL_VERSION_ID = 'f7d7d92067ec359eef179dd0fb4ae3fc'
IMAGE_URL = 'https://samples.clarifai.com/metro-north.jpg'


def channel():
    """Clarifai's API, or a local test server when CLARIFAI_GRPC_PORT is set."""
    port = os.environ.get('CLARIFAI_GRPC_PORT')
    if port:
        return ClarifaiChannel.get_insecure_grpc_channel(base='127.0.0.1', port=int(port))
    return ClarifaiChannel.get_grpc_channel()


def main():
    stub = service_pb2_grpc.V2Stub(channel())
    metadata = (('authorization', 'Key ' + PAT),)
    request = service_pb2.PostModelOutputsRequest(
        user_app_id=resources_pb2.UserAppIDSet(user_id=USER_ID, app_id=APP_ID),
        model_id=MODEL_ID,
        version_id=MODEL_VERSION_ID,
        inputs=[
            resources_pb2.Input(
                data=resources_pb2.Data(image=resources_pb2.Image(url=IMAGE_URL))
            )
        ],
    )
    response = stub.PostModelOutputs(request, metadata=metadata)
    if response.status.code != status_code_pb2.SUCCESS:
        sys.exit('Post model outputs failed: ' + response.status.description)
    for concept in response.outputs[0].data.concepts:
        print(f'{concept.name} {concept.value:.2f}')


if __name__ == '__main__':
    main()
