# Reading and writing .scap capture files (gzip through zlib).
LIBS += scapfile
scapfile_SRCS := userspace/scapfile/reader.c userspace/scapfile/writer.c \
	userspace/scapfile/convert.c userspace/scapfile/convert_table.c
