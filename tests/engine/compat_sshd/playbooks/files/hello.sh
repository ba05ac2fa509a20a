#!/bin/sh
echo "script says $1 on $(hostname -s >/dev/null && echo target)"
