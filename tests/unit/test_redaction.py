import copy

from azext_k8s_configuration.redaction import REDACTED, SECRET_FIELD_PATHS, redact


def test_every_secret_is_redacted_and_input_untouched():
    body = {"properties": {
        "gitRepository": {"url": "https://u:tok@h/r", "httpsUser": "me"},
        "azureBlob": {"accountKey": "k", "sasToken": None,
                      "servicePrincipal": {"clientId": "i", "clientSecret": "s", "clientCertificate": "c",
                                           "clientCertificatePassword": "p"}},
        "ociRepository": {"tlsConfig": {"caCertificate": "a", "clientCertificate": "b", "privateKey": "c"}},
        "configurationProtectedSettings": {"sshPrivateKey": "x", "httpsKey": "y"}}}
    original = copy.deepcopy(body)
    result = redact(body)
    assert body == original
    props = result["properties"]
    assert props["configurationProtectedSettings"] == {"sshPrivateKey": REDACTED, "httpsKey": REDACTED}
    assert props["azureBlob"]["accountKey"] == REDACTED and props["azureBlob"]["sasToken"] is None
    assert props["azureBlob"]["servicePrincipal"] == {"clientId": "i", "clientSecret": REDACTED,
                                                      "clientCertificate": REDACTED,
                                                      "clientCertificatePassword": REDACTED}
    assert set(props["ociRepository"]["tlsConfig"].values()) == {REDACTED}
    assert props["gitRepository"] == {"url": "https://u:<redacted>@h/r", "httpsUser": "me"}
    assert "tok" not in str(result)


def test_paths_are_exported_for_the_log_filter():
    assert ("configurationProtectedSettings", "*") in SECRET_FIELD_PATHS
    assert all(isinstance(p, tuple) for p in SECRET_FIELD_PATHS)


def test_properties_level_input():
    assert redact({"configurationProtectedSettings": {"k": "v"}}) == {"configurationProtectedSettings": {"k": REDACTED}}


def test_source_url_credentials_are_masked_for_show():
    from azext_k8s_configuration.redaction import mask_source_urls
    props = {"gitRepository": {"url": "https://ghp_0123456789abcdefghijklmnopqrstuvwxyz@github.com/o/r"},
             "bucket": {"url": "https://user:pw@minio.example.com"}, "suspend": False}
    masked = mask_source_urls(props)
    assert masked["gitRepository"]["url"] == "https://<redacted>@github.com/o/r"
    assert masked["bucket"]["url"] == "https://user:<redacted>@minio.example.com" and masked["suspend"] is False
    assert "ghp_" in props["gitRepository"]["url"]  # the input is not modified
    assert redact({"properties": props})["properties"]["gitRepository"]["url"].startswith("https://<redacted>@")
