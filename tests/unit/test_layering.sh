#!/bin/bash
# Checks the dependency rules of DESIGN.md that the compiler cannot: graph node files (the hot
# path) include only net/, core/ and their own service's headers, never mgmt/, cli/ or any
# header that would bring logging, locks or allocation onto a worker; src/net includes nothing
# of the project but src/net; and (test_layering.py) the same over transitive includes, core
# reaching no service, and no circle between core, the services and mgmt. Prints each violation
# and exits non-zero if there is one.
set -u
SRC=$(cd "$(dirname "$0")/../../src" && pwd)
bad=0

for f in $(find "$SRC" -name '*_node.c'); do
	service=$(basename "$(dirname "$f")")
	while read -r inc; do
		case "$inc" in
		net/* | core/* | flow/* | "$service"/*) ;;
		*)
			echo "$f: node file includes \"$inc\" (only net/, core/, flow/ and $service/ allowed)"
			bad=1
			;;
		esac
	done < <(grep -o '#include "[^"]*"' "$f" | sed 's/#include "\(.*\)"/\1/')
	for sys in rte_malloc.h rte_spinlock.h rte_rwlock.h rte_log.h pthread.h stdio.h syslog.h; do
		if grep -q "#include <$sys>" "$f" && ! grep -q "allowed: $sys" "$f"; then
			echo "$f: node file includes <$sys> (blocking, logging or allocation on the hot path)"
			bad=1
		fi
	done
done

for f in $(find "$SRC/net" -name '*.[ch]'); do
	while read -r inc; do
		case "$inc" in
		net/*) ;;
		*)
			echo "$f: src/net includes \"$inc\" (src/net depends on nothing)"
			bad=1
			;;
		esac
	done < <(grep -o '#include "[^"]*"' "$f" | sed 's/#include "\(.*\)"/\1/')
	if grep -q '#include <rte_' "$f"; then
		echo "$f: src/net includes DPDK"
		bad=1
	fi
done

# Transitive includes and circles between parts (core, services, mgmt, ...).
if ! python3 "$(dirname "$0")/test_layering.py"; then
	bad=1
fi

if [ $bad = 0 ]; then
	echo "layering: ok"
fi
exit $bad
