"""API proof files: an iPhone's HEIC is taken and kept as a JPEG, as on the web."""

import io

from tests.activities.test_images import heic_bytes
from tests.api.helpers import course


def test_a_heic_upload_is_kept_and_sent_back_as_a_jpeg(api, credential_id):
    url = f"/activities/{course(api, credential_id)['id']}/evidence"
    sent = api.post(url, data={"file": (io.BytesIO(heic_bytes()), "IMG_0042.HEIC")})
    assert sent.status_code == 201, sent.text
    assert (sent.json["filename"], sent.json["content_type"]) == ("IMG_0042.jpg", "image/jpeg")
    download = api.get(f"/evidence/{sent.json['id']}")
    assert download.mimetype == "image/jpeg"
    assert download.data.startswith(b"\xff\xd8\xff")
