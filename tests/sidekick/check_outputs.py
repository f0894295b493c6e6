#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Check what each output delivered for data/alert.json.

    check_outputs.py TMPDIR

Reads the receivers' logs in TMPDIR (hook.log: HTTP requests by path,
smtp.log, syslog*.log, redis.json, alerts.log) and prints one
PASS:/FAIL: line per check.
"""
import json
import os
import sys

TMP = sys.argv[1]
FAILS = 0


def check(name, cond, detail=""):
    global FAILS
    if cond:
        print("PASS: " + name)
    else:
        FAILS += 1
        print("FAIL: " + name + (": " + str(detail) if detail else ""))


def load(name):
    path = os.path.join(TMP, name)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


reqs = load("hook.log")
by_path = {}
for r in reqs:
    by_path.setdefault(r["path"].split("?")[0], []).append(r)


def one(path):
    lst = by_path.get(path, [])
    return lst[0] if len(lst) == 1 else None


FIELDS = {"container.id": "3ad7b26ded6d",
          "container.image.repository": "alpine",
          "container_image": "alpine:3.19",
          "evt.time": 1705326811726060287,
          "fd.name": "/etc/shadow", "k8s.pod.name": "web-7d4f",
          "proc.cmdline": "cat /etc/shadow", "user.name": "root",
          "user.loginuid": None}
OUTPUT = ("13:53:31.726060287: Critical Sensitive file opened for reading "
          "(user=root command=cat /etc/shadow file=/etc/shadow "
          "container_id=3ad7b26ded6d image=alpine)")
GOTIME = "2024-01-15 13:53:31.726060287 +0000 UTC"

# Slack, outputformat "fields" (pitfall 19): template text above an
# attachment that has the fields and no output text.
r = one("/slack")
check("slack_one_request", r is not None, by_path.get("/slack"))
if r:
    p = json.loads(r["body"])
    check("slack_text_template", p.get("text") ==
          "Critical: *Read sensitive file untrusted* pod=web-7d4f", p)
    check("slack_username", p.get("username") == "Falco")
    check("slack_channel", p.get("channel") == "#security-alerts")
    check("slack_icon", p.get("icon_url") == "http://127.0.0.1/icon.png")
    att = p["attachments"][0]
    check("slack_fields_no_text", "text" not in att, att)
    check("slack_fallback", att.get("fallback") == OUTPUT)
    check("slack_color_critical", att.get("color") == "#ff5400")
    titles = [f["title"] for f in att["fields"]]
    check("slack_field_order", titles == ["rule", "priority", "source",
          "hostname", "tags"] + sorted(FIELDS) + ["time"], titles)
    vals = {f["title"]: f for f in att["fields"]}
    check("slack_field_values", vals["priority"]["value"] == "Critical" and
          vals["tags"]["value"] == "filesystem, mitre_credential_access"
          and vals["evt.time"]["value"] == "1705326811726060287" and
          vals["time"]["value"] == GOTIME and
          vals["time"]["short"] is False and
          vals["user.name"]["short"] is True, vals)
    check("slack_content_type", r["headers"].get("content-type") ==
          "application/json; charset=utf-8")
    check("slack_user_agent", r["headers"].get("user-agent") ==
          "Falcosidekick")

r = one("/teams")
check("teams_one_request", r is not None)
if r:
    p = json.loads(r["body"])
    s = p["sections"][0]
    check("teams_card", p["@type"] == "MessageCard" and
          p["summary"] == OUTPUT and p["themeColor"] == "ff9000", p)
    check("teams_section", s["activityTitle"] == "Falcosidekick" and
          s["activitySubtitle"] == GOTIME and s["text"] == OUTPUT, s)
    names = [f["name"] for f in s["facts"]]
    check("teams_facts", names == ["rule", "priority", "source",
          "hostname"] + sorted(FIELDS) + ["tags"], names)

r = one("/pd")
check("pagerduty_one_request", r is not None)
if r:
    p = json.loads(r["body"])
    check("pagerduty_event", p["routing_key"] == "R0UT1NG" and
          p["event_action"] == "trigger", p)
    pl = p["payload"]
    check("pagerduty_payload", pl["summary"] == OUTPUT and
          pl["source"] == "falco" and pl["severity"] == "critical" and
          pl["timestamp"] == "2024-01-15T13:53:31Z", pl)
    d = dict(FIELDS)
    d["hostname"] = "web-1"
    check("pagerduty_details", pl["custom_details"] == d,
          pl["custom_details"])

r = one("/api/v2/alerts")
check("alertmanager_one_request", r is not None, list(by_path))
if r:
    p = json.loads(r["body"])
    check("alertmanager_list", isinstance(p, list) and len(p) == 1)
    lab = p[0]["labels"]
    check("alertmanager_labels", lab.get("rule") ==
          "Read sensitive file untrusted" and
          lab.get("alertname") == lab.get("rule") and
          lab.get("source") == "falco" and
          lab.get("eventsource") == "syscall" and
          lab.get("priority") == "Critical" and
          lab.get("severity") == "critical" and
          lab.get("hostname") == "web-1" and
          lab.get("container_id") == "3ad7b26ded6d" and
          lab.get("evt_time") == "1705326811726060287" and
          "user_loginuid" not in lab and lab.get("team") == "sec", lab)
    ann = p[0]["annotations"]
    check("alertmanager_annotations", ann == {
        "info": OUTPUT, "description": OUTPUT,
        "summary": "Read sensitive file untrusted"}, ann)
    check("alertmanager_endsat", p[0]["endsAt"] ==
          "2024-01-15T13:58:31.726060287Z", p[0])

r = one("/loki/api/v1/push")
check("loki_one_request", r is not None)
if r:
    p = json.loads(r["body"])
    st = p["streams"][0]
    check("loki_labels", st["stream"] == {
        "rule": "Read sensitive file untrusted", "source": "syscall",
        "priority": "Critical", "k8s_pod_name": "web-7d4f",
        "hostname": "web-1", "fd_name": "/etc/shadow",
        "tags": "filesystem,mitre_credential_access"}, st["stream"])
    check("loki_value", st["values"] == [["1705326811726060287", OUTPUT]],
          st["values"])
    check("loki_tenant", r["headers"].get("x-scope-orgid") == "tenant1")

es = [k for k in by_path if k.startswith("/falco")]
check("elasticsearch_one_request", len(es) == 1, list(by_path))
if es:
    r = by_path[es[0]][0]
    check("elasticsearch_url", es[0] == "/falco/_doc", es[0])
    p = json.loads(r["body"])
    check("elasticsearch_doc", p["@timestamp"] ==
          "2024-01-15T13:53:31.726060287Z" and
          p["rule"] == "Read sensitive file untrusted" and
          p["output_fields"] == FIELDS and len(p["uuid"]) == 36, p)
    check("elasticsearch_apikey", r["headers"].get("authorization") ==
          "APIKey k3y")

r = one("/wh")
check("webhook_one_request", r is not None)
if r:
    p = json.loads(r["body"])
    check("webhook_method_put", r["method"] == "PUT")
    check("webhook_header", r["headers"].get("x-team") == "secops")
    check("webhook_keys_in_order", list(p) == [
        "uuid", "output", "priority", "rule", "time", "output_fields",
        "source", "tags", "hostname"], list(p))
    check("webhook_payload", p["output_fields"] == FIELDS and
          p["time"] == "2024-01-15T13:53:31.726060287Z" and
          p["priority"] == "Critical" and p["source"] == "syscall" and
          p["tags"] == ["filesystem", "mitre_credential_access"], p)
    check("webhook_custom_field", "customtag" not in p["output_fields"])

mails = load("smtp.log")
check("smtp_one_mail", len(mails) == 1, mails)
if mails:
    m = mails[0]
    check("smtp_envelope", m["from"] == "falco@example.test" and
          m["to"] == ["sec@example.test", "ops@example.test"], m)
    check("smtp_subject", "Subject: [Critical] " + OUTPUT in m["data"])
    check("smtp_body", "Rule: Read sensitive file untrusted" in m["data"]
          and "fd.name: /etc/shadow" in m["data"] and
          "text/html" in m["data"])

for proto in ("udp", "tcp", "unix"):
    msgs = load("syslog_%s.log" % proto)
    check("syslog_%s_one_message" % proto, len(msgs) == 1, msgs)
    if msgs:
        m = msgs[0]["msg"]
        check("syslog_%s_priority" % proto, m.startswith("<2>"), m)
        check("syslog_%s_tag" % proto, "Falco[" in m)
        body = m.split("]: ", 1)[1]
        if proto == "tcp":
            check("syslog_cef", body.startswith(
                "CEF:0|Falcosecurity|Falco|1.0|Falco Event|Read sensitive "
                "file untrusted|8|uuid=") and "fd.name:/etc/shadow" in body
                and "tags=filesystem,mitre_credential_access" in body, body)
        else:
            p = json.loads(body)
            check("syslog_%s_json" % proto, p["rule"] ==
                  "Read sensitive file untrusted", p)

try:
    with open(os.path.join(TMP, "redis.json"), encoding="utf-8") as f:
        p = json.loads(f.read())
    check("redis_list_payload", p["rule"] == "Read sensitive file untrusted"
          and p["output_fields"] == FIELDS, p)
except (OSError, ValueError) as e:
    check("redis_list_payload", False, e)

lines = load("alerts.log")
check("file_one_line", len(lines) == 1 and
      lines[0]["rule"] == "Read sensitive file untrusted", lines)

sys.exit(1 if FAILS else 0)
