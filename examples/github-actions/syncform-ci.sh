#!/usr/bin/env bash
# The syncform steps of the GitHub Actions workflow (workflow.yml), kept in a
# script so a test runs exactly what the pipeline runs.
#
#   syncform-ci.sh plan    plan, save plan.json, write comment.md; exit 0 with
#                          changes=true|false in $GITHUB_OUTPUT, 1 on errors
#   syncform-ci.sh apply   apply exactly plan.json, the plan reviewers saw;
#                          syncform refuses it (exit 1) if the live settings
#                          moved since, and then nothing is written
set -euo pipefail
: "${GITHUB_OUTPUT:=/dev/null}"

case "${1:-}" in
plan)
  set +e
  syncform plan --detailed-exitcode --out plan.json --format markdown > comment.md
  code=$?
  set -e
  case $code in
    0) echo "changes=false" >> "$GITHUB_OUTPUT" ;;
    2) echo "changes=true" >> "$GITHUB_OUTPUT" ;;
    *) echo "changes=false" >> "$GITHUB_OUTPUT"; exit 1 ;;
  esac
  ;;
apply)
  syncform apply plan.json
  ;;
*)
  echo "usage: $0 plan|apply" >&2
  exit 2
  ;;
esac
