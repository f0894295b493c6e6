# Live tests of the daemon on the modern eBPF driver (t_*.sh, root) and
# their benchmark (b_live.sh), with the syscall loop it times.  The
# loop lives in build/testbin, beside other test helpers, so that the
# bench runner does not run it bare on its own.
$(O)/testbin/live_loop: $(O)/obj/tests/live/loop.o
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

unit-tests: $(O)/testbin/live_loop
bench-progs: $(O)/testbin/live_loop

# Process actions (subreaper, vfork) of t_procs.sh and
# tests/bpf/t_bpf_procs.sh.
$(O)/testbin/live_procs: $(O)/obj/tests/live/procs.o
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

unit-tests: $(O)/testbin/live_procs
