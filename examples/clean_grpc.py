"""The gRPC snippet done right: the key comes from the environment."""
import os

from clarifai_grpc.channel.clarifai_channel import ClarifaiChannel
from clarifai_grpc.grpc.api import service_pb2_grpc

PAT = os.environ['CLARIFAI_PAT']
MODEL_VERSION_ID = '3fea182d3508848673ebff4249d90fca'

stub = service_pb2_grpc.V2Stub(ClarifaiChannel.get_grpc_channel())
metadata = (('authorization', 'Key ' + PAT),)
