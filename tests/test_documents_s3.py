"""Documents in an S3-compatible bucket (DOCUMENT_STORE = "s3"): the same upload, download and removal
as on disk, against a real S3 API on this machine (moto's server: no cloud is reachable from here).
The bucket only ever holds sealed bytes."""

import socket

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.conftest import login
from tests.factories import create_client_with_history
from tests.test_documents import a_pdf, documents, upload

BUCKET = "clinic-documents"


@pytest.fixture
def bucket_app(make_app, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in (("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test"),
                        ("AWS_DEFAULT_REGION", "eu-west-2")):  # fmt: skip
        monkeypatch.setenv(name, value)
    s3 = boto3.client("s3", endpoint_url=endpoint)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    app = make_app(
        DOCUMENT_STORE="s3", DOCUMENT_S3_BUCKET=BUCKET, DOCUMENT_S3_ENDPOINT_URL=endpoint,
        DOCUMENT_S3_PREFIX="harbour/",
    )  # fmt: skip
    yield app, s3
    server.stop()


def test_a_document_in_a_bucket_is_sealed_there_and_opens_through_the_app(
    bucket_app, clinic_id, therapist, factory
):
    app, s3 = bucket_app
    person = create_client_with_history(app, clinic_id, therapist)
    web = app.test_client()
    login(web, factory.email_of(therapist))
    pdf = a_pdf("Letter from Dr Hale")
    assert upload(web, f"/clients/{person}/documents", pdf, "Hale.pdf").status_code == 302
    (document,) = documents(app)
    [stored] = s3.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert stored["Key"] == f"harbour/{document.storage_key}"
    body = s3.get_object(Bucket=BUCKET, Key=stored["Key"])["Body"].read()
    assert b"%PDF" not in body and b"Hale" not in body  # the provider holds sealed bytes only
    assert web.get(f"/documents/{document.id}/file").data == pdf
    assert web.post(f"/documents/{document.id}/remove").status_code == 302
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0  # the bytes are gone; the row stays
    assert [d.id for d in documents(app)] == [document.id]
