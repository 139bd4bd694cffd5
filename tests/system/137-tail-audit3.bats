#!/usr/bin/env bats
# 137-tail-audit3: the differences a third audit of issue #18 against podman 4.3.1 left open:
# error words and exit codes of save, tag, export, volume export, pull, commit, run, create
# and pod rm; ... Runs against podman too.

load helpers

setup() {
	basic_setup
	run_pm 0 load -i "$(pm_test_image)"
	IMG=localhost/busybox
}

@test "podman's words: save --format, tag, export -o, volume export -o, argument counts" {
	run_pm 125 save --format bogus $IMG
	is "$output" "Error: format value must be one of oci-dir oci-archive docker-dir docker-archive"
	run_pm 125 save --format bogus
	is "$output" "Error: need at least 1 argument"
	run_pm 125 tag $IMG 'Bad:Name!'
	is "$output" 'Error: normalizing name "Bad:Name!": normalizing name "Bad:Name!": invalid reference format'
	run_pm 0 create --name e1 $IMG true
	run_pm 125 export -o /missing/dir/x.tar e1
	is "$output" 'Error: creating file "/missing/dir/x.tar": open /missing/dir/x.tar: no such file or directory'
	run_pm 0 volume create v1
	run_pm 125 volume export -o /missing/dir/x.tar v1
	is "$output" "Error: could not create tarball file '/missing/dir/x.tar': open /missing/dir/x.tar: no such file or directory"
	run_pm 125 pull
	is "$output" "Error: requires at least 1 arg\(s\), only received 0"
	run_pm 125 commit
	is "$output" "Error: accepts between 1 and 2 arg\(s\), received 0"
	run_pm 125 commit e1 a b
	is "$output" "Error: accepts between 1 and 2 arg\(s\), received 3"
	run_pm 125 run
	is "$output" "Error: requires at least 1 arg\(s\), only received 0"
	run_pm 125 create
	is "$output" "Error: requires at least 1 arg\(s\), only received 0"
	run_pm 0 rm e1
	run_pm 0 volume rm v1
}

@test "pod rm of a running pod without -f: podman's list of errors, the members, then the infra" {
	run_pm 0 pod create --name pr
	local pod=$output
	run_pm 0 pod inspect --format '{{.InfraContainerID}}' pr
	local infra=$output
	run_pm 0 run -d --pod pr --name pr1 $IMG sleep 1000
	local m1=$output
	local e_m1="	\* removing container $m1 from pod $pod: cannot remove container $m1 as it is running - running or paused containers cannot be removed without force: container state improper"
	local e_in="	\* removing container $infra from pod $pod: a container that depends on container $infra still exists: dependency exists"
	run_pm 125 pod rm pr
	is "$output" "Error: 2 errors occurred:
$e_m1
$e_in"
	run_pm 0 pod rm -f -t 0 pr
	is "$output" "$pod"
}
