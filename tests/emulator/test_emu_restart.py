"""Durability: kill -9 during an operation, restart on the same data dir, the operation finishes."""

from __future__ import annotations

from emu_helpers import KC, flux_body


def test_kill_during_operation_then_restart_finishes_it(fresh_emulator):
    emulator = fresh_emulator("--operation-delay", "60")
    cluster = emulator.new_cluster()
    url = f"{cluster}/{KC}/fluxConfigurations/durable"
    response = emulator.call("PUT", url, flux_body(configurationProtectedSettings={"k": "dmFsdWU="}))
    assert response.status_code == 201
    op_path = response.headers["Azure-AsyncOperation"].split("/", 3)[3]
    assert emulator.call("GET", "/" + op_path, api=None).json()["status"] == "InProgress"

    emulator.kill()
    emulator.args = ["--operation-delay", "0.1"]
    emulator.start()

    resource = emulator.call("GET", url)
    assert resource.status_code == 200
    response.headers["Azure-AsyncOperation"] = f"{emulator.url}/{op_path}"
    assert emulator.wait_operation(response)["status"] == "Succeeded"
    assert emulator.call("GET", url).json()["properties"]["provisioningState"] == "Succeeded"
    assert emulator.call("GET", f"{cluster}/{KC}/fluxConfigurations").json()["value"][0]["name"] == "durable"
