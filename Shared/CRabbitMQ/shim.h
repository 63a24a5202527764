// Typed shims over rabbitmq-c 0.11 (Debian librabbitmq-dev). Only the NashraAMQP module imports this.
// Swift cannot call C-variadic functions (amqp_login) nor import cast macros (method numbers), so both
// get static inline wrappers here.
#ifndef NASHRA_CRABBITMQ_SHIM_H
#define NASHRA_CRABBITMQ_SHIM_H

#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <stdint.h>
#include <string.h>
#include <sys/time.h>

static const amqp_method_number_t NASHRA_AMQP_BASIC_ACK = AMQP_BASIC_ACK_METHOD;
static const amqp_method_number_t NASHRA_AMQP_BASIC_NACK = AMQP_BASIC_NACK_METHOD;
static const amqp_method_number_t NASHRA_AMQP_BASIC_RETURN = AMQP_BASIC_RETURN_METHOD;
static const amqp_method_number_t NASHRA_AMQP_CHANNEL_CLOSE = AMQP_CHANNEL_CLOSE_METHOD;
static const amqp_method_number_t NASHRA_AMQP_CONNECTION_CLOSE = AMQP_CONNECTION_CLOSE_METHOD;

/// amqp_login with SASL PLAIN (the C function is variadic).
static inline amqp_rpc_reply_t nashra_amqp_login_plain(amqp_connection_state_t state, const char *vhost,
                                                       int frame_max, int heartbeat, const char *user,
                                                       const char *password) {
    return amqp_login(state, vhost, 0, frame_max, heartbeat, AMQP_SASL_METHOD_PLAIN, user, password);
}

static inline amqp_bytes_t nashra_amqp_bytes(const void *bytes, size_t len) {
    amqp_bytes_t b;
    b.len = len;
    b.bytes = (void *)bytes;
    return b;
}

static inline amqp_table_t nashra_amqp_empty_table(void) {
    amqp_table_t t;
    t.num_entries = 0;
    t.entries = NULL;
    return t;
}

/// Fills one table entry with a UTF-8 long string value.
static inline void nashra_amqp_set_string_entry(amqp_table_entry_t *entry, const char *key, const char *value) {
    entry->key = amqp_cstring_bytes(key);
    entry->value.kind = AMQP_FIELD_KIND_UTF8;
    entry->value.value.bytes = amqp_cstring_bytes(value);
}

/// Fills one table entry with a 64-bit signed integer value.
static inline void nashra_amqp_set_int_entry(amqp_table_entry_t *entry, const char *key, int64_t value) {
    entry->key = amqp_cstring_bytes(key);
    entry->value.kind = AMQP_FIELD_KIND_I64;
    entry->value.value.i64 = value;
}

/// Publishes one persistent message on `channel` (amqp_basic_publish with the properties Nashra uses).
static inline int nashra_amqp_publish(amqp_connection_state_t state, amqp_channel_t channel, const char *exchange,
                                      const char *routing_key, const void *body, size_t body_len,
                                      const char *message_id, const char *content_type, const char *type,
                                      uint64_t timestamp, const amqp_table_entry_t *headers, int header_count) {
    amqp_basic_properties_t props;
    memset(&props, 0, sizeof(props));
    props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_TIMESTAMP_FLAG;
    props.delivery_mode = 2;
    props.timestamp = timestamp;
    if (message_id) {
        props._flags |= AMQP_BASIC_MESSAGE_ID_FLAG;
        props.message_id = amqp_cstring_bytes(message_id);
    }
    if (content_type) {
        props._flags |= AMQP_BASIC_CONTENT_TYPE_FLAG;
        props.content_type = amqp_cstring_bytes(content_type);
    }
    if (type) {
        props._flags |= AMQP_BASIC_TYPE_FLAG;
        props.type = amqp_cstring_bytes(type);
    }
    if (header_count > 0) {
        props._flags |= AMQP_BASIC_HEADERS_FLAG;
        props.headers.num_entries = header_count;
        props.headers.entries = (amqp_table_entry_t *)headers;
    }
    return amqp_basic_publish(state, channel, amqp_cstring_bytes(exchange), amqp_cstring_bytes(routing_key), 0, 0,
                              &props, nashra_amqp_bytes(body, body_len));
}

static inline int nashra_amqp_has_flag(const amqp_basic_properties_t *props, amqp_flags_t flag) {
    return (props->_flags & flag) != 0;
}

static const amqp_flags_t NASHRA_AMQP_HEADERS_FLAG = AMQP_BASIC_HEADERS_FLAG;
static const amqp_flags_t NASHRA_AMQP_MESSAGE_ID_FLAG = AMQP_BASIC_MESSAGE_ID_FLAG;
static const amqp_flags_t NASHRA_AMQP_TYPE_FLAG = AMQP_BASIC_TYPE_FLAG;

static inline struct timeval nashra_timeval(long seconds, long microseconds) {
    struct timeval tv;
    tv.tv_sec = seconds;
    tv.tv_usec = microseconds;
    return tv;
}

#endif
