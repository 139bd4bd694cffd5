# shellcheck shell=bash
# host-devices.sh: open the devices rootless pm needs to a user, and say so. Sourced by
# tools/demo.sh and tests/run-system.sh; the functions run as root.
#
#   pm_open_device WHO USER DEVICE WHY
#       When USER cannot open DEVICE for reading and writing (Debian's cloud images ship
#       /dev/net/tun and /dev/fuse 0600), make it 0666 as most distributions ship it and
#       print one line "WHO: DEVICE was mode 0600 (...): made it 0666, ... so that WHY".
#       Nothing is printed or changed when USER can already open it. A missing device
#       is reported (with the command that loads its module), not created.
#       The change lasts until the next boot (udev recreates the node).

pm_open_device() {
	local who=$1 user=$2 dev=$3 why=$4 mode owner group only
	if [ ! -e "$dev" ]; then
		local mod=${dev##*/}
		echo "$who: $dev does not exist: load its module (modprobe $mod) so that $why" >&2
		return 0
	fi
	if runuser -u "$user" -- test -r "$dev" -a -w "$dev" 2>/dev/null; then
		return 0
	fi
	mode=$(stat -c %a "$dev")
	owner=$(stat -c %U "$dev")
	group=$(stat -c %G "$dev")
	only="only $owner may open it"
	case $mode in ?6?) only="only $owner and group $group may open it" ;; esac
	chmod 0666 "$dev" || return 1
	echo "$who: $dev was mode 0$mode ($only): made it 0666, as most distributions" \
		"ship it, so that $why"
}
