"""Packages of other services whose module settings and functions take that service's key.

A class imported from another package keeps its own key (`ElevenLabs(api_key=...)`), but a
function or module attribute imported from one may be the file's own helper, so in a file with
Clarifai context a generic name there counts as Clarifai's. These packages are known to be
another service's: their keys, some 32 hex as Clarifai's are, stay theirs
(`aai.settings.api_key = ...`, `datadog.initialize(api_key=...)`). So does a key that a package
signs or verifies with (`hmac.new(SECRET.encode(), ...)`, `jwt.encode(payload, SECRET)`): a
webhook's or this code's own secret, which is never sent. Sources: each package's docs.
"""

from __future__ import annotations

OTHER_SERVICES = frozenset(
    {
        "africastalking",  # africastalking.initialize(username, api_key)
        "algoliasearch",  # SearchClient.create(app_id, api_key): admin keys are 32 hex
        "assemblyai",  # aai.settings.api_key: 32 hex
        "bugsnag",  # bugsnag.configure(api_key=...): 32 hex
        "cloudinary",  # cloudinary.config(api_key=..., api_secret=...)
        "datadog",  # initialize(api_key=..., app_key=...): 32 hex
        "elevenlabs",  # elevenlabs.set_api_key(...): 32 hex
        "geocoder",  # geocoder.opencage(address, key=...): OpenCage keys are 32 hex
        "hmac",  # hmac.new(secret, body, hashlib.sha256): a webhook's signing secret
        "honeybadger",  # honeybadger.configure(api_key=...)
        "jwt",  # jwt.encode(payload, secret), jwt.decode(token, secret)
        "pinecone",  # pinecone.init(api_key=..., environment=...)
        "rollbar",  # rollbar.init(access_token, environment): 32 hex
        "tmdbsimple",  # tmdb.API_KEY: 32 hex
        "together",  # together.api_key: 64 hex
    }
)


def of_another_service(qualname: str) -> bool:
    """`datadog.initialize`, `assemblyai.settings.api_key`."""
    return qualname.partition(".")[0] in OTHER_SERVICES
