"""The one table of cases that drives the plugin tests and the fixer tests.

Each case: an id (never a key), a source template (see keys.fill), the findings as
"line:col CODE" with flake8's 1-based columns, and the fixed source, or None where the
fixer must leave the source as it is.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional

import pytest


class Case(NamedTuple):
    source: str
    findings: frozenset[str]
    fixed: Optional[str]


def case(id: str, source: str, findings: set[str], fixed: Optional[str], marks: Any = ()) -> Any:
    return pytest.param(Case(source, frozenset(findings), fixed), id=id, marks=marks)


GRPC = "from clarifai_grpc.grpc.api import service_pb2_grpc\n"

POSITIVE = [
    # CLR001: gRPC `authorization` metadata
    case(
        "CLR001 docs snippet",
        "metadata = (('authorization', 'Key <KEY>'),)\n",
        {"1:31 CLR001"},
        'import os\n\nmetadata = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n',
    ),
    case(
        "CLR001 constant concatenated",
        GRPC + "import os\nPAT = '<KEY>'\nmetadata = (('authorization', 'Key ' + PAT),)\n",
        {"3:7 CLR001"},
        GRPC + 'import os\nPAT = os.environ["CLARIFAI_PAT"]\n'
        "metadata = (('authorization', 'Key ' + PAT),)\n",
    ),
    case(
        "CLR001 metadata argument with f-string",
        "import os\nPAT = '<KEY>'\nstub.PostModelOutputs(req, metadata=(('authorization', f'Key {PAT}'),))\n",
        {"2:7 CLR001"},
        'import os\nPAT = os.environ["CLARIFAI_PAT"]\n'
        "stub.PostModelOutputs(req, metadata=(('authorization', f'Key {PAT}'),))\n",
    ),
    case(
        "CLR001 append to a list, upper case key",
        "import os\nmetadata = []\nmetadata.append(('Authorization', 'Key <KEY>'))\n",
        {"3:35 CLR001"},
        'import os\nmetadata = []\nmetadata.append((\'Authorization\', "Key " + os.environ["CLARIFAI_PAT"]))\n',
    ),
    case(
        "CLR001 2-list inside a list",
        'import os\nmetadata = [["authorization", "Key <KEY>"]]\n',
        {"2:31 CLR001"},
        'import os\nmetadata = [["authorization", "Key " + os.environ["CLARIFAI_PAT"]]]\n',
    ),
    case(
        "CLR001 implicit concatenation",
        "import os\nmetadata = (('authorization', 'Key '\n                              '<KEY>'),)\n",
        {"2:31 CLR001"},
        'import os\nmetadata = ((\'authorization\', "Key " + os.environ["CLARIFAI_PAT"]),)\n',
    ),
    case(
        "CLR001 tab, multi-byte text and implicit concatenation before the key",
        "import os\nif 1:\n\tm = ['é' 'b', ('authorization', 'Key <KEY>')]\n",
        {"3:34 CLR001"},
        "import os\nif 1:\n"
        "\tm = ['é' 'b', ('authorization', \"Key \" + os.environ[\"CLARIFAI_PAT\"])]\n",
    ),
    case(
        "CLR001 str.format",
        "import os\nPAT = '<KEY>'\nmetadata = (('authorization', 'Key {}'.format(PAT)),)\n",
        {"2:7 CLR001"},
        'import os\nPAT = os.environ["CLARIFAI_PAT"]\n'
        "metadata = (('authorization', 'Key {}'.format(PAT)),)\n",
    ),
    case(
        "CLR001 percent format",
        "import os\nPAT = '<KEY>'\nmetadata = (('authorization', 'Key %s' % PAT),)\n",
        {"2:7 CLR001"},
        "import os\nPAT = os.environ[\"CLARIFAI_PAT\"]\nmetadata = (('authorization', 'Key %s' % PAT),)\n",
    ),
    case(
        "CLR001 percent format with a tuple",
        "import os\nPAT = '<KEY>'\nmetadata = (('authorization', '%s %s' % ('Key', PAT)),)\n",
        {"2:7 CLR001"},
        "import os\nPAT = os.environ[\"CLARIFAI_PAT\"]\nmetadata = (('authorization', '%s %s' % ('Key', PAT)),)\n",
    ),
    case(
        "CLR001 literal as an operand keeps its precedence",
        "import os\nmetadata = (('authorization', 'Key <KEY>' % ()),)\n",
        {"2:31 CLR001"},
        'import os\nmetadata = ((\'authorization\', ("Key " + os.environ["CLARIFAI_PAT"]) % ()),)\n',
    ),
    case(
        "CLR001 annotated constant in a class",
        "import os\nclass Client:\n    PAT: str = '<KEY>'\n    metadata = (('authorization', 'Key ' + PAT),)\n",
        {"3:16 CLR001"},
        'import os\nclass Client:\n    PAT: str = os.environ["CLARIFAI_PAT"]\n'
        "    metadata = (('authorization', 'Key ' + PAT),)\n",
    ),
    case(
        "CLR001 one binding among several, in a function",
        "import os\ndef call(stub):\n    pat = os.environ.get('CLARIFAI_PAT')\n    if not pat:\n"
        "        pat = '<KEY>'\n    return stub.ListModels(req, metadata=(('authorization', 'Key ' + pat),))\n",
        {"5:15 CLR001"},
        "import os\ndef call(stub):\n    pat = os.environ.get('CLARIFAI_PAT')\n    if not pat:\n"
        '        pat = os.environ["CLARIFAI_PAT"]\n'
        "    return stub.ListModels(req, metadata=(('authorization', 'Key ' + pat),))\n",
    ),
    case(
        "CLR001 attribute of self",
        "import os\nclass C:\n    def __init__(self):\n        self.pat = '<KEY>'\n"
        "    def meta(self):\n        return (('authorization', 'Key ' + self.pat),)\n",
        {"4:20 CLR001"},
        'import os\nclass C:\n    def __init__(self):\n        self.pat = os.environ["CLARIFAI_PAT"]\n'
        "    def meta(self):\n        return (('authorization', 'Key ' + self.pat),)\n",
    ),
    case(
        "CLR001 bearer token is reported and left alone",
        "metadata = (('authorization', 'Bearer <TOKEN>'),)\n",
        {"1:31 CLR001"},
        None,
    ),
    case(
        "CLR001 non-ascii text before the literal",
        "import os\nm = ('authorization', 'Key <KEY>') if 'café' else ('authorization', 'Key <KEY>')\n",
        {"2:23 CLR001", "2:96 CLR001"},
        "import os\nm = ('authorization', \"Key \" + os.environ[\"CLARIFAI_PAT\"]) if 'café' "
        'else (\'authorization\', "Key " + os.environ["CLARIFAI_PAT"])\n',
    ),
    case(
        "CLR001 tuple over several lines",
        "import os\nmetadata = (\n    (\n        'authorization',\n        'Key <KEY>',\n    ),\n)\n",
        {"5:9 CLR001"},
        "import os\nmetadata = (\n    (\n        'authorization',\n"
        '        "Key " + os.environ["CLARIFAI_PAT"],\n    ),\n)\n',
    ),
    # CLR002: HTTP `Authorization: Key ...`
    case(
        "CLR002 upper case header after a character that lower() lengthens",
        '# İ\nimport os\nheaders = {"AUTHORIZATION": "Key <KEY>"}\n',
        {"3:29 CLR002"},
        '# İ\nimport os\nheaders = {"AUTHORIZATION": "Key " + os.environ["CLARIFAI_PAT"]}\n',
    ),
    case(
        "CLR002 headers dict",
        'import os\nheaders = {"Authorization": "Key <KEY>"}\n',
        {"2:29 CLR002"},
        'import os\nheaders = {"Authorization": "Key " + os.environ["CLARIFAI_PAT"]}\n',
    ),
    case(
        "CLR002 header item assignment via a constant",
        'import os\nPAT = "<KEY>"\nheaders = {}\nheaders["Authorization"] = f"Key {PAT}"\n',
        {"2:7 CLR002"},
        'import os\nPAT = os.environ["CLARIFAI_PAT"]\nheaders = {}\n'
        'headers["Authorization"] = f"Key {PAT}"\n',
    ),
    case(
        "CLR002 dict call",
        'import os\nheaders = dict(Authorization="Key <KEY>")\n',
        {"2:30 CLR002"},
        'import os\nheaders = dict(Authorization="Key " + os.environ["CLARIFAI_PAT"])\n',
    ),
    # CLR003: Clarifai clients
    case(
        "CLR003 Model pat keyword",
        'import os\nfrom clarifai.client.model import Model\nm = Model(url="u", pat="<KEY>")\n',
        {"3:24 CLR003"},
        'import os\nfrom clarifai.client.model import Model\nm = Model(url="u", pat=os.environ["CLARIFAI_PAT"])\n',
    ),
    case(
        "CLR003 User token keyword via package import",
        'import os\nfrom clarifai.client import User\nu = User(user_id="me", token="<KEY>")\n',
        {"3:30 CLR003"},
        'import os\nfrom clarifai.client import User\nu = User(user_id="me", token=os.environ["CLARIFAI_PAT"])\n',
    ),
    case(
        "CLR003 module alias and a constant",
        'import os\nimport clarifai.client.app as apps\nPAT = "<KEY>"\na = apps.App(app_id="a", pat=PAT)\n',
        {"3:7 CLR003"},
        'import os\nimport clarifai.client.app as apps\nPAT = os.environ["CLARIFAI_PAT"]\n'
        'a = apps.App(app_id="a", pat=PAT)\n',
    ),
    case(
        "CLR003 legacy ClarifaiApp api_key",
        'import os\nfrom clarifai.rest import ClarifaiApp\napp = ClarifaiApp(api_key="<KEY>")\n',
        {"3:27 CLR003"},
        'import os\nfrom clarifai.rest import ClarifaiApp\napp = ClarifaiApp(api_key=os.environ["CLARIFAI_PAT"])\n',
    ),
    case(
        "CLR003 legacy ClarifaiApp positional client secret",
        'import os\nfrom clarifai.rest import ClarifaiApp\napp = ClarifaiApp("my-app", "<LEGACY>")\n',
        {"3:29 CLR003"},
        'import os\nfrom clarifai.rest import ClarifaiApp\napp = ClarifaiApp("my-app", os.environ["CLARIFAI_PAT"])\n',
    ),
    case(
        "CLR003 ClarifaiAuthHelper positional pat",
        "import os\nfrom clarifai.client.auth.helper import ClarifaiAuthHelper\n"
        'h = ClarifaiAuthHelper("me", "app", "<KEY>")\n',
        {"3:37 CLR003"},
        "import os\nfrom clarifai.client.auth.helper import ClarifaiAuthHelper\n"
        'h = ClarifaiAuthHelper("me", "app", os.environ["CLARIFAI_PAT"])\n',
    ),
    # CLR004: the environment
    case(
        "CLR004 environ assignment is removed",
        'import os\nos.environ["CLARIFAI_PAT"] = "<KEY>"\nprint(1)\n',
        {"2:30 CLR004"},
        "print(1)\n",
    ),
    case(
        "CLR004 removal keeps the comments above it",
        'import os\nif True:\n    # the key\n    os.environ["CLARIFAI_PAT"] = "<KEY>"\nprint(1)\n',
        {"4:34 CLR004"},
        "if True:\n    # the key\n    pass\nprint(1)\n",
    ),
    case(
        "CLR004 setdefault statement is removed",
        'import os\na = 1; os.environ.setdefault("CLARIFAI_PAT", "<KEY>")\n',
        {"2:46 CLR004"},
        "a = 1\n",
    ),
    case(
        "CLR004 putenv is removed",
        'import os\nos.putenv("CLARIFAI_API_KEY", "<KEY>")\n',
        {"2:31 CLR004"},
        "",
    ),
    case(
        "CLR004 environ imported by name",
        'from os import environ\nenviron["CLARIFAI_PAT"] = "<KEY>"\n',
        {"2:27 CLR004"},
        "",
    ),
    case(
        "CLR004 getenv default",
        'import os\npat = os.getenv("CLARIFAI_PAT", "<KEY>")\n',
        {"2:33 CLR004"},
        'import os\npat = os.environ["CLARIFAI_PAT"]\n',
    ),
    case(
        "CLR004 environ.get default keeps the variable the code names",
        'import os\npat = os.environ.get("CLARIFAI_API_KEY", "<KEY>")\n',
        {"2:42 CLR004"},
        'import os\npat = os.environ["CLARIFAI_API_KEY"]\n',
    ),
    case(
        "CLR004 or fallback",
        'import os\npat = os.environ.get("CLARIFAI_PAT") or "<KEY>"\n',
        {"2:41 CLR004"},
        'import os\npat = os.environ["CLARIFAI_PAT"]\n',
    ),
    case(
        "CLR004 setdefault as a value",
        'import os\npat = os.environ.setdefault("CLARIFAI_PAT", "<KEY>")\n',
        {"2:45 CLR004"},
        'import os\npat = os.environ["CLARIFAI_PAT"]\n',
    ),
    # CLR005: credential names that reach no sink
    case(
        "CLR005 config constant",
        'import os\nCLARIFAI_PAT = "<KEY>"\n',
        {"2:16 CLR005"},
        'import os\nCLARIFAI_PAT = os.environ["CLARIFAI_PAT"]\n',
    ),
    case(
        "CLR005 attribute",
        'import os\nclass Settings:\n    def __init__(self):\n        self.clarifai_api_key = "<KEY>"\n',
        {"4:33 CLR005"},
        "import os\nclass Settings:\n    def __init__(self):\n"
        '        self.clarifai_api_key = os.environ["CLARIFAI_PAT"]\n',
    ),
    case(
        "CLR005 short name in a clarifai file",
        'import os\nfrom clarifai.client.user import User\nPAT = "<KEY>"\n',
        {"3:7 CLR005"},
        'import os\nfrom clarifai.client.user import User\nPAT = os.environ["CLARIFAI_PAT"]\n',
    ),
    case(
        "CLR005 legacy client secret",
        'import os\nCLARIFAI_CLIENT_SECRET = "<LEGACY>"\n',
        {"2:26 CLR005"},
        'import os\nCLARIFAI_CLIENT_SECRET = os.environ["CLARIFAI_CLIENT_SECRET"]\n',
    ),
    # several findings in one file
    case(
        "two keys get two variables",
        GRPC + "import os\nPAT = '<KEY>'\nOTHER_PAT = '<KEY2>'\nSAME = '<KEY>'\n"
        "a = (('authorization', 'Key ' + PAT),)\nb = (('authorization', 'Key ' + OTHER_PAT),)\n"
        "c = (('authorization', 'Key ' + SAME),)\n",
        {"3:7 CLR001", "4:13 CLR001", "5:8 CLR001"},
        GRPC
        + 'import os\nPAT = os.environ["CLARIFAI_PAT"]\nOTHER_PAT = os.environ["CLARIFAI_PAT_2"]\n'
        'SAME = os.environ["CLARIFAI_PAT"]\n'
        "a = (('authorization', 'Key ' + PAT),)\nb = (('authorization', 'Key ' + OTHER_PAT),)\n"
        "c = (('authorization', 'Key ' + SAME),)\n",
    ),
    case(
        "a key written to the environment keeps its variable",
        'import os\nos.environ["CLARIFAI_PAT"] = "<KEY>"\nm = (("authorization", "Key <KEY2>"),)\n',
        {"2:30 CLR004", "3:24 CLR001"},
        'import os\nm = (("authorization", "Key " + os.environ["CLARIFAI_PAT_2"]),)\n',
    ),
]

# Known gaps: tests that read findings or rewrites run these too, expecting them to fail.
GAPS = [
    case(
        "key split across two literals",
        "import os\nmetadata = (('authorization', 'Key ' + '<KEY>'[:16] + '<KEY>'[16:]),)\n",
        {"2:40 CLR001"},
        None,
        marks=pytest.mark.xfail(reason="slices of literals are not evaluated"),
    ),
]

NEGATIVE = [
    case(
        "env read",
        "import os\nm = (('authorization', 'Key ' + os.environ['CLARIFAI_PAT']),)\n",
        set(),
        None,
    ),
    case("getenv without default", "import os\npat = os.getenv('CLARIFAI_PAT')\n", set(), None),
    case(
        "docs placeholder",
        "PAT = 'YOUR_PAT_HERE'\nm = (('authorization', 'Key ' + PAT),)\n",
        set(),
        None,
    ),
    case("question marks", "m = (('authorization', 'Key ???'),)\n", set(), None),
    case("angle placeholder", "m = (('authorization', 'Key <YOUR CLARIFAI PAT>'),)\n", set(), None),
    case("shell placeholder", "m = (('authorization', 'Key ${CLARIFAI_PAT}'),)\n", set(), None),
    case(
        "x placeholder",
        "m = (('authorization', 'Key xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'),)\n",
        set(),
        None,
    ),
    case("example", "m = (('authorization', 'Key example-key-0123456789abcdef'),)\n", set(), None),
    case(
        "variable name as value",
        "import os\nos.environ['CLARIFAI_PAT'] = 'CLARIFAI_PAT'\n",
        set(),
        None,
    ),
    case("empty", "import os\npat = os.getenv('CLARIFAI_PAT', '')\n", set(), None),
    case(
        "low entropy",
        "m = (('authorization', 'Key 00000000000000000000000000000000'),)\n",
        set(),
        None,
    ),
    case(
        "repeated hex",
        "m = (('authorization', 'Key deadbeefdeadbeefdeadbeefdeadbeef'),)\n",
        set(),
        None,
    ),
    case(
        "model ids",
        "from clarifai.client.model import Model\nMODEL_ID = '<KEY>'\n"
        "MODEL_VERSION_ID = '<KEY2>'\nm = Model(model_id='<KEY>', pat=os.environ['CLARIFAI_PAT'])\n",
        set(),
        None,
    ),
    case(
        "md5 digest", "import hashlib\nok = hashlib.md5(b'x').hexdigest() == '<KEY>'\n", set(), None
    ),
    case("other metadata key", "m = (('x-request-id', '<KEY>'),)\n", set(), None),
    case("bearer in http header", "h = {'Authorization': 'Bearer <KEY>'}\n", set(), None),
    case(
        "function parameter",
        "def meta(pat):\n    return (('authorization', 'Key ' + pat),)\n",
        set(),
        None,
    ),
    case(
        "getpass",
        "import getpass\npat = getpass.getpass()\nm = (('authorization', 'Key ' + pat),)\n",
        set(),
        None,
    ),
    case(
        "imported constant",
        "from settings import PAT\nm = (('authorization', 'Key ' + PAT),)\n",
        set(),
        None,
    ),
    case("unrelated Model", "from mylib import Model\nm = Model(pat='<KEY>')\n", set(), None),
    case(
        "non-credential variable",
        "import os\nos.environ['CLARIFAI_USER_ID'] = '<KEY>'\n",
        set(),
        None,
    ),
    case("credential name outside clarifai files", "PAT = '<KEY>'\n", set(), None),
    case("bytes value", "m = (('authorization', b'Key <KEY>'),)\n", set(), None),
    case(
        "allowlist pragma",
        "m = (('authorization', 'Key <KEY>'),)  # pragma: allowlist secret\n",
        set(),
        None,
    ),
]
