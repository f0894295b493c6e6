set -x
insmod "$FALCO_KO" buf_size=1048576 && ls -l /dev/falco* && cat /sys/module/falco/parameters/buf_size
echo 3 > /sys/module/falco/parameters/buf_size; echo rc=$?
rmmod falco; echo rmmod=$?
