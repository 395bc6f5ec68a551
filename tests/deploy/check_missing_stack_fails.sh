#!/usr/bin/env bash
# tests/deploy/check_missing_stack_fails.sh BIN_DIR: a pg or e2e test that lacks its stack
# must fail under ./deploy/dev test (QQ_TEST_REQUIRE_STACK=1), not skip and pass. Runs one
# database test and one gateway test with their environment removed, once required (they
# must fail) and once by hand (they may skip). Registered in ctest as deploy.missing_stack.
set -uo pipefail

if (($# != 1)); then
  echo "usage: $0 BIN_DIR" >&2
  exit 2
fi
BIN_DIR=$1
failures=0
stripped=(env -u QQ_TEST_PG_ADMIN_DSN -u QQ_TEST_REDIS_ADDR -u QQ_TEST_GATEWAY_URL
          -u QQ_TEST_CUSTOMER_ADDR -u QQ_TEST_BIN_DIR)

run() {  # NAME EXPECTED(fail|pass) REQUIRE BINARY FILTER
  local name=$1 expected=$2 require=$3 binary=$4 filter=$5 rc=0
  "${stripped[@]}" QQ_TEST_REQUIRE_STACK="$require" "$BIN_DIR/$binary" \
    --gtest_filter="$filter" >/tmp/qq-missing-stack.$$ 2>&1 || rc=$?
  if [[ $expected == fail && $rc == 0 ]] || [[ $expected == pass && $rc != 0 ]]; then
    echo "FAIL: $name: exit $rc, expected to $expected" >&2
    tail -n 20 /tmp/qq-missing-stack.$$ >&2
    failures=$((failures + 1))
  else
    echo "ok: $name (exit $rc)"
  fi
  rm -f /tmp/qq-missing-stack.$$
}

run "order pg test without its database, required" fail 1 order_pgtest '*DeadlinesAreStored*'
run "order pg test without its database, by hand" pass 0 order_pgtest '*DeadlinesAreStored*'
run "gateway test without the gateway, required" fail 1 e2e_test 'IdempotencyTest.*'
run "every-RPC test without the services, required" fail 1 e2e_test 'EveryRpc.*'
run "gateway test without the gateway, by hand" pass 0 e2e_test 'IdempotencyTest.*'
exit $((failures > 0))
