"""Clarifai's OpenAI-compatible endpoint, as Clarifai's examples call LLMs now (CLR003)."""
from openai import OpenAI

client = OpenAI(
    base_url='https://api.clarifai.com/v2/ext/openai/v1',
    api_key='e51c7b0a9d3f48e2a6b1c94d07f3a28e',
)
reply = client.chat.completions.create(
    model='https://clarifai.com/openai/chat-completion/models/gpt-oss-120b',
    messages=[{'role': 'user', 'content': 'Say hello.'}],
)
print(reply.choices[0].message.content)
