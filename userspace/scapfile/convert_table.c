/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How events recorded with an old layout become events of the current
 * schema.  The facts (which old layouts exist, which parameters moved
 * from the enter to the exit event, which event ids replaced others)
 * are those of Falco's capture format; the table form is ours.
 *
 * A line applies to an event of id `type` that carries `nparams`
 * parameters.  Event ids are the ABI numbers of the schema; the comment
 * names them.  The instruction string lists, in order, where each
 * parameter that the action adds (CV_ADD: after the existing ones) or
 * builds (CV_RETYPE: all of them) comes from:
 *
 *	O<n>	parameter n of the event being converted; O<a>..<b>
 *		stands for O<a> O<a+1> ... O<b>
 *	E<n>	parameter n of the thread's stored enter event; when there
 *		is none, the type's default value
 *	E<n>?	the same, but an empty parameter when there is none
 *	-	an empty parameter
 *	D	the type's default value (0; -1 for uids and gids)
 *	J?	the JSON of an old container event (id, type, name,
 *		image), or an empty parameter if that cannot be built
 *
 * After a conversion the result is checked again and may match another
 * line (e.g. an old exit layout upgraded twice).
 */
#include <stddef.h>

#include "scapfile/scapfile_int.h"

const struct scap_conv_rule scap_conv_rules[] = {
	{ 0, 2, CV_STORE, 0, "" },	/* generic_e */
	{ 1, 1, CV_ADD, 0, "E1?" },	/* generic_x */
	{ 2, 0, CV_ADD, 0, "- - -" },	/* open_e */
	{ 2, 3, CV_PASS, 0, "" },	/* open_e */
	{ 3, 4, CV_ADD, 0, "-" },	/* open_x */
	{ 3, 5, CV_ADD, 0, "-" },	/* open_x */
	{ 4, 1, CV_STORE, 0, "" },	/* close_e */
	{ 5, 1, CV_ADD, 0, "E0" },	/* close_x */
	{ 6, 2, CV_STORE, 0, "" },	/* read_e */
	{ 7, 2, CV_ADD, 0, "E0 E1" },	/* read_x */
	{ 104, 2, CV_STORE, 0, "" },	/* link_e */
	{ 105, 1, CV_RETYPE, 309, "O0 E0? E1?" },	/* link_x -> link_2_x */
	{ 106, 4, CV_STORE, 0, "" },	/* linkat_e */
	/* linkat_x -> linkat_2_x */
	{ 107, 1, CV_RETYPE, 311, "O0 E0? E1? E2? E3? -" },
	{ 108, 1, CV_STORE, 0, "" },	/* unlink_e */
	{ 109, 1, CV_RETYPE, 301, "O0 E0?" },	/* unlink_x -> unlink_2_x */
	{ 110, 2, CV_STORE, 0, "" },	/* unlinkat_e */
	/* unlinkat_x -> unlinkat_2_x */
	{ 111, 1, CV_RETYPE, 303, "O0 E0? E1? -" },
	{ 112, 3, CV_STORE, 0, "" },	/* pread_e */
	{ 113, 2, CV_ADD, 0, "E0 E1 E2" },	/* pread_x */
	{ 124, 1, CV_STORE, 0, "" },	/* dup_e */
	{ 125, 1, CV_RETYPE, 367, "O0 E0?" },	/* dup_x -> dup_1_x */
	{ 126, 3, CV_STORE, 0, "" },	/* signalfd_e */
	{ 127, 1, CV_ADD, 0, "E0 E1 E2" },	/* signalfd_x */
	{ 128, 2, CV_STORE, 0, "" },	/* kill_e */
	{ 129, 1, CV_ADD, 0, "E0 E1" },	/* kill_x */
	{ 130, 2, CV_STORE, 0, "" },	/* tkill_e */
	{ 131, 1, CV_ADD, 0, "E0 E1" },	/* tkill_x */
	{ 132, 3, CV_STORE, 0, "" },	/* tgkill_e */
	{ 133, 1, CV_ADD, 0, "E0 E1 E2" },	/* tgkill_x */
	{ 134, 1, CV_STORE, 0, "" },	/* nanosleep_e */
	{ 135, 1, CV_ADD, 0, "E0" },	/* nanosleep_x */
	{ 136, 2, CV_STORE, 0, "" },	/* timerfd_create_e */
	{ 137, 1, CV_ADD, 0, "E0 E1" },	/* timerfd_create_x */
	{ 138, 1, CV_STORE, 0, "" },	/* inotify_init_e */
	{ 139, 1, CV_ADD, 0, "E0" },	/* inotify_init_x */
	{ 140, 1, CV_STORE, 0, "" },	/* getrlimit_e */
	{ 141, 3, CV_ADD, 0, "E0" },	/* getrlimit_x */
	{ 142, 1, CV_STORE, 0, "" },	/* setrlimit_e */
	{ 143, 3, CV_ADD, 0, "E0" },	/* setrlimit_x */
	{ 144, 2, CV_STORE, 0, "" },	/* prlimit_e */
	{ 145, 5, CV_ADD, 0, "E0? E1?" },	/* prlimit_x */
	/* schedswitch_1_e -> schedswitch_6_e */
	{ 146, 1, CV_RETYPE, 152, "O0 - - - - -" },
	{ 150, 2, CV_STORE, 0, "" },	/* fcntl_e */
	{ 151, 1, CV_ADD, 0, "E0 E1" },	/* fcntl_x */
	{ 151, 3, CV_ADD, 0, "D" },	/* fcntl_x */
	{ 10, 1, CV_STORE, 0, "" },	/* brk_1_e */
	{ 11, 1, CV_RETYPE, 159, "O0 E0? - - -" },	/* brk_1_x -> brk_4_x */
	{ 158, 1, CV_STORE, 0, "" },	/* brk_4_e */
	{ 159, 4, CV_ADD, 0, "E0?" },	/* brk_4_x */
	{ 12, 0, CV_RETYPE, 154, "" },	/* execve_8_e -> execve_13_e */
	/* execve_8_x -> execve_13_x */
	{ 13, 8, CV_RETYPE, 155, "O0..7 - - - - -" },
	{ 154, 0, CV_RETYPE, 172, "" },	/* execve_13_e -> execve_14_e */
	/* execve_13_x -> execve_14_x */
	{ 155, 13, CV_RETYPE, 173, "O0..12 -" },
	{ 172, 0, CV_RETYPE, 214, "" },	/* execve_14_e -> execve_15_e */
	/* execve_14_x -> execve_15_x */
	{ 173, 14, CV_RETYPE, 215, "O0..12 - O13" },
	{ 214, 0, CV_RETYPE, 230, "" },	/* execve_15_e -> execve_16_e */
	/* execve_15_x -> execve_16_x */
	{ 215, 15, CV_RETYPE, 231, "O0..13 - O14" },
	{ 230, 0, CV_RETYPE, 282, "" },	/* execve_16_e -> execve_17_e */
	/* execve_16_x -> execve_17_x */
	{ 231, 16, CV_RETYPE, 283, "O0..15 -" },
	{ 282, 0, CV_RETYPE, 288, "-" },	/* execve_17_e -> execve_18_e */
	{ 283, 17, CV_RETYPE, 289, "O0..16" },	/* execve_17_x -> execve_18_x */
	{ 288, 1, CV_RETYPE, 292, "O0" },	/* execve_18_e -> execve_19_e */
	/* execve_18_x -> execve_19_x */
	{ 289, 17, CV_RETYPE, 293, "O0..16 -" },
	{ 293, 18, CV_ADD, 0, "-" },	/* execve_19_x */
	{ 292, 1, CV_STORE_PASS, 0, "" },	/* execve_19_e */
	{ 293, 19, CV_ADD, 0, "-" },	/* execve_19_x */
	{ 293, 20, CV_ADD, 0, "- - -" },	/* execve_19_x */
	{ 293, 23, CV_ADD, 0, "- - -" },	/* execve_19_x */
	{ 293, 26, CV_ADD, 0, "-" },	/* execve_19_x */
	{ 293, 27, CV_ADD, 0, "-" },	/* execve_19_x */
	{ 293, 28, CV_ADD, 0, "-" },	/* execve_19_x */
	{ 293, 29, CV_ADD, 0, "-" },	/* execve_19_x */
	{ 293, 30, CV_ADD, 0, "E0?" },	/* execve_19_x */
	/* clone_11_x -> clone_16_x */
	{ 15, 11, CV_RETYPE, 157, "O0..7 - - - - - O8..10" },
	/* clone_16_x -> clone_17_x */
	{ 157, 16, CV_RETYPE, 217, "O0..12 - O13..15" },
	/* clone_17_x -> clone_20_x */
	{ 217, 17, CV_RETYPE, 223, "O0..13 - O14..16 - -" },
	{ 223, 20, CV_ADD, 0, "-" },	/* clone_20_x */
	{ 20, 1, CV_STORE, 0, "" },	/* socket_bind_e */
	{ 21, 2, CV_ADD, 0, "E0" },	/* socket_bind_x */
	{ 22, 1, CV_ADD, 0, "D" },	/* socket_connect_e */
	{ 22, 2, CV_STORE_PASS, 0, "" },	/* socket_connect_e */
	{ 23, 2, CV_ADD, 0, "E0" },	/* socket_connect_x */
	{ 23, 3, CV_ADD, 0, "E1" },	/* socket_connect_x */
	{ 16, 0, CV_RETYPE, 186, "- - - - -" },	/* procexit_e -> procexit_1_e */
	{ 18, 3, CV_STORE, 0, "" },	/* socket_socket_e */
	{ 19, 1, CV_ADD, 0, "E0 E1 E2" },	/* socket_socket_x */
	{ 19, 4, CV_ADD, 0, "D" },	/* socket_socket_x */
	{ 24, 2, CV_STORE, 0, "" },	/* socket_listen_e */
	{ 25, 1, CV_ADD, 0, "E0 E1" },	/* socket_listen_x */
	/* socket_accept_x -> socket_accept_5_x */
	{ 27, 3, CV_RETYPE, 247, "O0..2 D D" },
	{ 8, 2, CV_STORE, 0, "" },	/* write_e */
	{ 9, 2, CV_ADD, 0, "E0 E1" },	/* write_x */
	{ 114, 3, CV_STORE, 0, "" },	/* pwrite_e */
	{ 115, 2, CV_ADD, 0, "E0 E1 E2" },	/* pwrite_x */
	{ 116, 1, CV_STORE, 0, "" },	/* readv_e */
	{ 117, 3, CV_ADD, 0, "E0" },	/* readv_x */
	{ 118, 2, CV_STORE, 0, "" },	/* writev_e */
	{ 119, 2, CV_ADD, 0, "E0 E1" },	/* writev_x */
	{ 120, 2, CV_STORE, 0, "" },	/* preadv_e */
	{ 121, 3, CV_ADD, 0, "E0 E1" },	/* preadv_x */
	{ 122, 3, CV_STORE, 0, "" },	/* pwritev_e */
	{ 123, 2, CV_ADD, 0, "E0 E1 E2" },	/* pwritev_x */
	{ 192, 3, CV_STORE, 0, "" },	/* setresuid_e */
	{ 193, 1, CV_ADD, 0, "E0? E1? E2?" },	/* setresuid_x */
	{ 198, 1, CV_STORE, 0, "" },	/* setuid_e */
	{ 199, 1, CV_ADD, 0, "E0?" },	/* setuid_x */
	{ 32, 2, CV_STORE, 0, "" },	/* socket_recv_e */
	{ 33, 2, CV_ADD, 0, "E0 E1 D" },	/* socket_recv_x */
	{ 34, 2, CV_STORE, 0, "" },	/* socket_recvfrom_e */
	{ 35, 3, CV_ADD, 0, "E0 E1" },	/* socket_recvfrom_x */
	{ 28, 2, CV_STORE, 0, "" },	/* socket_send_e */
	{ 29, 2, CV_ADD, 0, "E0 E1 D" },	/* socket_send_x */
	{ 30, 3, CV_STORE, 0, "" },	/* socket_sendto_e */
	{ 31, 2, CV_ADD, 0, "E0 E1 E2" },	/* socket_sendto_x */
	{ 36, 2, CV_STORE, 0, "" },	/* socket_shutdown_e */
	{ 37, 1, CV_ADD, 0, "E0 E1" },	/* socket_shutdown_x */
	{ 42, 3, CV_STORE, 0, "" },	/* socket_socketpair_e */
	{ 43, 5, CV_ADD, 0, "E0 E1 E2" },	/* socket_socketpair_x */
	{ 48, 3, CV_STORE, 0, "" },	/* socket_sendmsg_e */
	{ 49, 2, CV_ADD, 0, "E0 E1 E2" },	/* socket_sendmsg_x */
	{ 51, 0, CV_ADD, 0, "D - - - -" },	/* socket_sendmmsg_x */
	{ 52, 1, CV_STORE, 0, "" },	/* socket_recvmsg_e */
	{ 53, 4, CV_ADD, 0, "D" },	/* socket_recvmsg_x */
	{ 53, 5, CV_ADD, 0, "E0" },	/* socket_recvmsg_x */
	{ 55, 0, CV_ADD, 0, "D - - - - -" },	/* socket_recvmmsg_x */
	{ 58, 0, CV_ADD, 0, "- -" },	/* creat_e */
	{ 58, 2, CV_PASS, 0, "" },	/* creat_e */
	{ 59, 3, CV_ADD, 0, "-" },	/* creat_x */
	{ 59, 4, CV_ADD, 0, "-" },	/* creat_x */
	{ 59, 5, CV_ADD, 0, "-" },	/* creat_x */
	{ 62, 2, CV_STORE, 0, "" },	/* eventfd_e */
	{ 63, 1, CV_ADD, 0, "E0 E1" },	/* eventfd_x */
	{ 276, 1, CV_STORE, 0, "" },	/* mkdir_2_e */
	{ 277, 2, CV_ADD, 0, "E0?" },	/* mkdir_2_x */
	{ 98, 2, CV_STORE, 0, "" },	/* mkdir_e */
	/* mkdir_x -> mkdir_2_x */
	{ 99, 1, CV_RETYPE, 277, "O0 E0? E1?" },
	{ 100, 1, CV_STORE, 0, "" },	/* rmdir_e */
	{ 101, 1, CV_RETYPE, 279, "O0 E0?" },	/* rmdir_x -> rmdir_2_x */
	{ 102, 4, CV_STORE, 0, "" },	/* openat_e */
	/* openat_x -> openat_2_x */
	{ 103, 1, CV_RETYPE, 307, "O0 E0? E1? E2? E3? - -" },
	{ 306, 0, CV_ADD, 0, "- - - -" },	/* openat_2_e */
	{ 306, 4, CV_PASS, 0, "" },	/* openat_2_e */
	{ 307, 5, CV_ADD, 0, "-" },	/* openat_2_x */
	{ 307, 6, CV_ADD, 0, "-" },	/* openat_2_x */
	{ 284, 1, CV_STORE, 0, "" },	/* unshare_e */
	{ 285, 1, CV_ADD, 0, "E0" },	/* unshare_x */
	{ 64, 3, CV_STORE, 0, "" },	/* futex_e */
	{ 65, 1, CV_ADD, 0, "E0 E1 E2" },	/* futex_x */
	{ 70, 1, CV_STORE, 0, "" },	/* fstat_e */
	{ 71, 1, CV_ADD, 0, "E0" },	/* fstat_x */
	{ 78, 1, CV_STORE, 0, "" },	/* epollwait_e */
	{ 79, 1, CV_ADD, 0, "E0" },	/* epollwait_x */
	{ 80, 2, CV_STORE, 0, "" },	/* poll_e */
	{ 81, 2, CV_ADD, 0, "E1" },	/* poll_x */
	{ 85, 1, CV_RETYPE, 83, "O0" },	/* newselect_x -> select_x */
	{ 86, 3, CV_STORE, 0, "" },	/* lseek_e */
	{ 87, 1, CV_ADD, 0, "E0 E1 E2" },	/* lseek_x */
	{ 88, 3, CV_STORE, 0, "" },	/* llseek_e */
	{ 89, 1, CV_ADD, 0, "E0 E1 E2" },	/* llseek_x */
	{ 90, 2, CV_STORE, 0, "" },	/* ioctl_2_e */
	/* ioctl_2_x -> ioctl_3_x */
	{ 91, 1, CV_RETYPE, 171, "O0 E0? E1? -" },
	{ 170, 3, CV_STORE, 0, "" },	/* ioctl_3_e */
	{ 171, 1, CV_ADD, 0, "E0 E1 E2" },	/* ioctl_3_x */
	{ 160, 6, CV_STORE, 0, "" },	/* mmap_e */
	{ 161, 4, CV_ADD, 0, "E0 E1 E2 E3 E4 E5" },	/* mmap_x */
	{ 162, 6, CV_STORE, 0, "" },	/* mmap2_e */
	{ 163, 4, CV_ADD, 0, "E0 E1 E2 E3 E4 E5" },	/* mmap2_x */
	{ 164, 2, CV_STORE, 0, "" },	/* munmap_e */
	{ 165, 4, CV_ADD, 0, "E0 E1" },	/* munmap_x */
	{ 166, 4, CV_STORE, 0, "" },	/* splice_e */
	{ 167, 1, CV_ADD, 0, "E0 E1 E2 E3" },	/* splice_x */
	{ 168, 2, CV_STORE, 0, "" },	/* ptrace_e */
	{ 169, 0, CV_ADD, 0, "- - -" },	/* ptrace_x */
	{ 169, 3, CV_ADD, 0, "E0? E1?" },	/* ptrace_x */
	/* fork_x -> fork_17_x */
	{ 183, 16, CV_RETYPE, 219, "O0..12 - O13..15" },
	/* fork_17_x -> fork_20_x */
	{ 219, 17, CV_RETYPE, 225, "O0..13 - O14..16 - -" },
	{ 225, 20, CV_ADD, 0, "-" },	/* fork_20_x */
	/* vfork_x -> vfork_17_x */
	{ 185, 16, CV_RETYPE, 221, "O0..12 - O13..15" },
	/* vfork_17_x -> vfork_20_x */
	{ 221, 17, CV_RETYPE, 227, "O0..13 - O14..16 - -" },
	{ 227, 20, CV_ADD, 0, "-" },	/* vfork_20_x */
	{ 188, 4, CV_STORE, 0, "" },	/* sendfile_e */
	{ 189, 2, CV_ADD, 0, "E0 E1 E3" },	/* sendfile_x */
	{ 190, 4, CV_STORE, 0, "" },	/* quotactl_e */
	{ 191, 14, CV_ADD, 0, "E0 E1 E2 E3" },	/* quotactl_x */
	{ 96, 1, CV_STORE, 0, "" },	/* fchdir_e */
	{ 97, 1, CV_ADD, 0, "E0?" },	/* fchdir_x */
	{ 236, 1, CV_STORE, 0, "" },	/* getdents_e */
	{ 237, 1, CV_ADD, 0, "E0" },	/* getdents_x */
	{ 238, 1, CV_STORE, 0, "" },	/* getdents64_e */
	{ 239, 1, CV_ADD, 0, "E0" },	/* getdents64_x */
	{ 240, 2, CV_STORE, 0, "" },	/* setns_e */
	{ 241, 1, CV_ADD, 0, "E0? E1?" },	/* setns_x */
	{ 242, 2, CV_STORE, 0, "" },	/* flock_e */
	{ 243, 1, CV_ADD, 0, "E0 E1" },	/* flock_x */
	{ 250, 1, CV_STORE, 0, "" },	/* semop_e */
	{ 251, 8, CV_ADD, 0, "E0" },	/* semop_x */
	{ 252, 4, CV_STORE, 0, "" },	/* semctl_e */
	{ 253, 1, CV_ADD, 0, "E0 E1 E2 E3" },	/* semctl_x */
	{ 254, 3, CV_STORE, 0, "" },	/* ppoll_e */
	{ 255, 2, CV_ADD, 0, "E1 E2" },	/* ppoll_x */
	{ 256, 1, CV_STORE, 0, "" },	/* mount_e */
	{ 257, 4, CV_ADD, 0, "E0" },	/* mount_x */
	{ 259, 2, CV_RETYPE, 387, "O0 O1" },	/* umount_x -> umount_1_x */
	{ 262, 3, CV_STORE, 0, "" },	/* semget_e */
	{ 263, 1, CV_ADD, 0, "E0 E1 E2" },	/* semget_x */
	{ 264, 1, CV_STORE, 0, "" },	/* access_e */
	{ 265, 2, CV_ADD, 0, "E0" },	/* access_x */
	/* container_e -> container_json_e */
	{ 228, 4, CV_RETYPE, 272, "J?" },
	/* container_json_e -> container_json_2_e */
	{ 272, 1, CV_RETYPE, 324, "O0" },
	{ 200, 1, CV_STORE, 0, "" },	/* setgid_e */
	{ 201, 1, CV_ADD, 0, "E0?" },	/* setgid_x */
	{ 294, 2, CV_STORE, 0, "" },	/* setpgid_e */
	{ 295, 1, CV_ADD, 0, "E0? E1?" },	/* setpgid_x */
	{ 296, 1, CV_STORE, 0, "" },	/* bpf_e */
	{ 297, 1, CV_RETYPE, 369, "O0 E0?" },	/* bpf_x -> bpf_2_x */
	{ 298, 1, CV_ADD, 0, "D" },	/* seccomp_e */
	{ 298, 2, CV_STORE, 0, "" },	/* seccomp_e */
	{ 299, 1, CV_ADD, 0, "E0 E1" },	/* seccomp_x */
	{ 326, 0, CV_ADD, 0, "- - - - -" },	/* openat2_e */
	{ 326, 5, CV_PASS, 0, "" },	/* openat2_e */
	{ 327, 6, CV_ADD, 0, "- -" },	/* openat2_x */
	{ 328, 3, CV_STORE, 0, "" },	/* mprotect_e */
	{ 329, 1, CV_ADD, 0, "E0 E1 E2" },	/* mprotect_x */
	{ 330, 3, CV_PASS, 0, "" },	/* execveat_e */
	{ 331, 19, CV_ADD, 0, "-" },	/* execveat_x */
	{ 331, 20, CV_ADD, 0, "- - -" },	/* execveat_x */
	{ 331, 23, CV_ADD, 0, "- - -" },	/* execveat_x */
	{ 331, 26, CV_ADD, 0, "-" },	/* execveat_x */
	{ 331, 27, CV_ADD, 0, "-" },	/* execveat_x */
	{ 331, 28, CV_ADD, 0, "-" },	/* execveat_x */
	{ 331, 29, CV_ADD, 0, "-" },	/* execveat_x */
	{ 332, 3, CV_STORE, 0, "" },	/* copy_file_range_e */
	{ 333, 3, CV_ADD, 0, "E0 E1 E2" },	/* copy_file_range_x */
	{ 335, 20, CV_ADD, 0, "-" },	/* clone3_x */
	{ 374, 1, CV_STORE, 0, "" },	/* epoll_create_e */
	{ 375, 1, CV_ADD, 0, "E0" },	/* epoll_create_x */
	{ 376, 1, CV_STORE, 0, "" },	/* epoll_create1_e */
	{ 377, 1, CV_ADD, 0, "E0" },	/* epoll_create1_x */
	{ 194, 3, CV_STORE, 0, "" },	/* setresgid_e */
	{ 195, 1, CV_ADD, 0, "E0? E1? E2?" },	/* setresgid_x */
	{ 56, 1, CV_STORE, 0, "" },	/* socket_accept4_e */
	/* socket_accept4_x -> socket_accept4_6_x */
	{ 57, 3, CV_RETYPE, 389, "O0..2 D D E0" },
	{ 248, 1, CV_STORE, 0, "" },	/* socket_accept4_5_e */
	/* socket_accept4_5_x -> socket_accept4_6_x */
	{ 249, 5, CV_RETYPE, 389, "O0..4 E0" },
	{ 388, 1, CV_STORE, 0, "" },	/* socket_accept4_6_e */
	{ 389, 5, CV_ADD, 0, "E0" },	/* socket_accept4_6_x */
	{ 390, 1, CV_STORE, 0, "" },	/* umount2_e */
	{ 391, 2, CV_ADD, 0, "E0" },	/* umount2_x */
	{ 396, 1, CV_STORE, 0, "" },	/* eventfd2_e */
	{ 397, 2, CV_ADD, 0, "E0" },	/* eventfd2_x */
	{ 398, 2, CV_STORE, 0, "" },	/* signalfd4_e */
	{ 399, 2, CV_ADD, 0, "E0 E1" },	/* signalfd4_x */
};

const size_t scap_conv_nrules =
    sizeof(scap_conv_rules) / sizeof(scap_conv_rules[0]);
