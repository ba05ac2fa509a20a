#!/usr/bin/python3
"""Variables for the nginx benchmark: 20 upstreams x 15 servers, 12 sites."""
import json, sys

upstreams = []
for u in range(20):
    servers = []
    for i in range(15):
        s = {"host": "10.%d.%d.%d" % (u, i // 250, i % 250 + 1), "enabled": i % 7 != 3, "backup": i % 5 == 4}
        if i % 3 == 0:
            s["port"] = 8000 + i
        if i % 4 == 0:
            s["weight"] = 1 + i % 3
        if i % 6 == 1:
            s["max_fails"] = 5
        servers.append(s)
    upstreams.append({"name": "app-%02d" % (19 - u), "port": 8080, "method": ["round_robin", "least_conn", "ip_hash"][u % 3], "servers": servers})
sites = []
for s in range(12):
    sites.append({"port": 443 if s % 2 else 80, "tls": bool(s % 2), "names": ["site%d.example.com" % s, "www.site%d.example.com" % s],
                  "locations": [{"path": "/api/v%d" % k, "upstream": "app-%02d" % ((s + k) % 20),
                                 "headers": {"Host": "$host", "X-Real-IP": "$remote_addr", "X-Forwarded-Proto": "$scheme"}} for k in range(3)]})
json.dump({"ansible_managed": "Ansible managed", "nginx_user": "www-data", "worker_connections": 4096, "keepalive_timeout": "65",
           "upstreams": upstreams, "sites": sites}, sys.stdout, indent=1)
