# ruff: noqa: S608 - the lower bound is hand-written SQL built from the constants below, never from input.
"""The lower bound of bench/retention.py: the retention sweep's deletes and updates as hand-written set-based SQL
(PostgreSQL), in RUN_ORDER, with keyed hashes through pgcrypto's hmac(). bench/retention.py runs RAW_SQL in one
transaction and compares the final tables with those of retention_run()."""

NOT_HELD_CUSTOMER = """NOT EXISTS (SELECT 1 FROM retention_legalhold h WHERE h.customer_id = {ref}
    AND h.lifted_at IS NULL AND h.created_at <= %(at)s AND (h.ends_at IS NULL OR h.ends_at > %(at)s))"""
NOT_HELD_RECORD = """NOT EXISTS (SELECT 1 FROM retention_legalhold h
    JOIN django_content_type ct ON ct.id = h.content_type_id
    WHERE ct.app_label = '{app}' AND ct.model = '{model}' AND h.object_id = {ref} AND h.lifted_at IS NULL
    AND h.created_at <= %(at)s AND (h.ends_at IS NULL OR h.ends_at > %(at)s))"""
OPEN = "('received', 'awaiting_identity', 'in_progress', 'extended')"
NO_OPEN_REQUEST = f"""NOT EXISTS (SELECT 1 FROM privacy_datasubjectrequest r WHERE r.status IN {OPEN}
    AND (r.customer_id = {{ref}} {{email}}))"""
NO_RESTRICTION = """NOT EXISTS (SELECT 1 FROM privacy_restriction x WHERE x.customer_id = {ref} AND x.lifted_at IS NULL
    AND x.starts_at <= %(at)s AND x.ground IN ('b', 'c') AND (x.ends_at IS NULL OR x.ends_at > %(at)s))"""
NO_ACTIVE_SERVICE = "NOT EXISTS (SELECT 1 FROM accounts_service s WHERE s.customer_id = {ref} AND s.status = 'active')"
CUSTOMER = "NOT u.is_staff AND NOT u.is_superuser AND u.state <> 'erased'"


def _customer_exceptions(*which):
    parts = {
        "hold": NOT_HELD_CUSTOMER.format(ref="u.id"),
        "request": NO_OPEN_REQUEST.format(ref="u.id", email="OR r.requester_email = u.email"),
        "restriction": NO_RESTRICTION.format(ref="u.id"),
        "service": NO_ACTIVE_SERVICE.format(ref="u.id"),
    }
    return " AND ".join(parts[w] for w in which)


ALL4 = _customer_exceptions("hold", "request", "restriction", "service")
BLOCKING = """EXISTS (SELECT 1 FROM accounts_order o WHERE o.customer_id = {ref})
    OR EXISTS (SELECT 1 FROM accounts_invoice i WHERE i.customer_id = {ref})
    OR EXISTS (SELECT 1 FROM accounts_transaction t WHERE t.customer_id = {ref})
    OR EXISTS (SELECT 1 FROM accounts_affiliatecommission c WHERE c.affiliate_id = {ref})
    OR EXISTS (SELECT 1 FROM accounts_connectionlog l WHERE l.customer_id = {ref})
    OR EXISTS (SELECT 1 FROM privacy_datasubjectrequest r WHERE r.customer_id = {ref})
    OR EXISTS (SELECT 1 FROM privacy_restriction x WHERE x.customer_id = {ref})
    OR EXISTS (SELECT 1 FROM retention_hostarchive a WHERE a.customer_id = {ref})
    OR EXISTS (SELECT 1 FROM accounts_service s WHERE s.customer_id = {ref})
    OR EXISTS (SELECT 1 FROM accounts_domain d WHERE d.customer_id = {ref})
    OR EXISTS (SELECT 1 FROM accounts_supportticket k WHERE k.customer_id = {ref})
    OR EXISTS (SELECT 1 FROM accounts_changelog g WHERE g.customer_id = {ref})
    OR EXISTS (SELECT 1 FROM privacy_postmortemdirective p WHERE p.customer_id = {ref})
    OR EXISTS (SELECT 1 FROM exports_exportjob j WHERE j.customer_id = {ref})"""
SET_NULL_TO_USER = (
    ("accounts_changelog", "actor_id"),
    ("accounts_ticketmessage", "author_id"),
    ("privacy_datasubjectrequest", "assignee_id"),
    ("privacy_requestevent", "actor_id"),
    ("privacy_recipientnotification", "done_by_id"),
    ("retention_legalhold", "author_id"),
    ("retention_legalhold", "lifted_by_id"),
    ("exports_exportjob", "requested_by_id"),
    ("exports_downloadlog", "user_id"),
    ("exports_transmission", "requested_by_id"),
)
SET_NULL_TO_ORDER = (
    ("accounts_service", "order_id"),
    ("accounts_invoice", "order_id"),
    ("accounts_transaction", "order_id"),
    ("privacy_datasubjectrequest", "order_id"),
)


def _delete_users(table):
    """Free accounts (nothing kept points to them): consent proof, lifted holds and the row itself go."""
    statements = [f"DELETE FROM privacy_consentrecord WHERE customer_id IN (SELECT id FROM {table})"]
    statements += [f"DELETE FROM retention_legalhold WHERE customer_id IN (SELECT id FROM {table})"]
    statements += [f"DELETE FROM django_admin_log WHERE user_id IN (SELECT id FROM {table})"]
    statements += [f"UPDATE {t} SET {c} = NULL WHERE {c} IN (SELECT id FROM {table})" for t, c in SET_NULL_TO_USER]
    statements += [
        f"DELETE FROM accounts_user_groups WHERE user_id IN (SELECT id FROM {table})",
        f"DELETE FROM accounts_user_user_permissions WHERE user_id IN (SELECT id FROM {table})",
        f"DELETE FROM accounts_user WHERE id IN (SELECT id FROM {table})",
    ]
    return statements


def _delete_orders(table):
    statements = [f"UPDATE {t} SET {c} = NULL WHERE {c} IN (SELECT id FROM {table})" for t, c in SET_NULL_TO_ORDER]
    return [*statements, f"DELETE FROM accounts_order WHERE id IN (SELECT id FROM {table})"]


def _held(app, model, ref):
    return NOT_HELD_RECORD.format(app=app, model=model, ref=ref)


RAW_SQL = [
    # customer_lifetime
    f"""CREATE TEMP TABLE lifetime ON COMMIT DROP AS SELECT u.id FROM accounts_user u
        WHERE u.state = 'erased' AND NOT u.is_staff AND NOT u.is_superuser
        AND NOT ({BLOCKING.format(ref="u.id")}) AND {NOT_HELD_CUSTOMER.format(ref="u.id")}""",
    *_delete_users("lifetime"),
    # The four customer erasures, in their precedence.
    f"""CREATE TEMP TABLE erase ON COMMIT DROP AS SELECT DISTINCT ON (id) id, lower(email) AS email, rule FROM (
        SELECT u.id, u.email, 1 AS rank, 'customer_terminated_erase' AS rule FROM accounts_user u WHERE {CUSTOMER}
          AND u.state = 'terminated' AND GREATEST(COALESCE(u.terminated_at, u.state_changed_at),
              COALESCE(u.last_login, u.terminated_at, u.state_changed_at)) < %(customer_terminated_erase)s AND {ALL4}
        UNION ALL SELECT u.id, u.email, 2, 'minor_erase' FROM accounts_user u WHERE {CUSTOMER}
          AND u.flagged_minor_at < %(minor_erase)s AND {_customer_exceptions("hold", "request", "restriction")}
        UNION ALL SELECT u.id, u.email, 3, 'customer_archived_erase' FROM accounts_user u WHERE {CUSTOMER}
          AND u.state = 'archived' AND u.archived_at < %(customer_archived_erase)s AND {ALL4}
        UNION ALL SELECT u.id, u.email, 4, 'customer_empty_erase' FROM accounts_user u WHERE {CUSTOMER}
          AND NOT EXISTS (SELECT 1 FROM accounts_order o WHERE o.customer_id = u.id)
          AND NOT EXISTS (SELECT 1 FROM accounts_service s WHERE s.customer_id = u.id)
          AND u.date_joined < %(customer_empty_erase)s AND {ALL4}
        ) due ORDER BY id, rank""",
    "UPDATE accounts_order SET target_url = '', buyer_ip = NULL WHERE customer_id IN (SELECT id FROM erase)",
    "UPDATE accounts_connectionlog SET user_agent = '' WHERE customer_id IN (SELECT id FROM erase)",
    """CREATE TEMP TABLE erase_jobs ON COMMIT DROP AS SELECT id FROM exports_exportjob
        WHERE customer_id IN (SELECT id FROM erase) OR lower(subject_email) IN (SELECT email FROM erase)""",
    "DELETE FROM exports_downloadlog WHERE job_id IN (SELECT id FROM erase_jobs)",
    "DELETE FROM exports_transmission WHERE job_id IN (SELECT id FROM erase_jobs)",
    "DELETE FROM exports_exportjob WHERE id IN (SELECT id FROM erase_jobs)",
    """DELETE FROM accounts_ticketmessage WHERE ticket_id IN
        (SELECT id FROM accounts_supportticket WHERE customer_id IN (SELECT id FROM erase))""",
    "DELETE FROM accounts_supportticket WHERE customer_id IN (SELECT id FROM erase)",
    "DELETE FROM accounts_changelog WHERE customer_id IN (SELECT id FROM erase)",
    "DELETE FROM accounts_domain WHERE customer_id IN (SELECT id FROM erase)",
    """UPDATE accounts_domain SET service_id = NULL WHERE service_id IN
        (SELECT id FROM accounts_service WHERE customer_id IN (SELECT id FROM erase))""",
    "DELETE FROM accounts_service WHERE customer_id IN (SELECT id FROM erase)",
    "DELETE FROM privacy_postmortemdirective WHERE customer_id IN (SELECT id FROM erase)",
    "DELETE FROM accounts_prospect WHERE lower(email) IN (SELECT email FROM erase)",
    "DELETE FROM privacy_pendingpublicrequest WHERE lower(email) IN (SELECT email FROM erase)",
    f"""CREATE TEMP TABLE erase_free ON COMMIT DROP AS SELECT id FROM erase e
        WHERE NOT ({BLOCKING.format(ref="e.id")})""",
    """UPDATE privacy_consentrecord SET ip = NULL, user_agent = '' WHERE customer_id IN (SELECT id FROM erase)
        AND customer_id NOT IN (SELECT id FROM erase_free)""",
    "DELETE FROM accounts_user_groups WHERE user_id IN (SELECT id FROM erase)",
    "DELETE FROM accounts_user_user_permissions WHERE user_id IN (SELECT id FROM erase)",
    """UPDATE accounts_user SET first_name = '', last_name = '', email = 'erased-' || id || '@invalid', phone = '',
        address = '', postal_code = '', city = '', company = '', vat_number = '', referred_by_code = '',
        affiliate_code = NULL, state = 'erased', state_changed_at = %(at)s, erased_at = %(at)s, is_active = false,
        password = '!bench' WHERE id IN (SELECT id FROM erase) AND id NOT IN (SELECT id FROM erase_free)""",
    *_delete_users("erase_free"),
    """INSERT INTO retention_erasuretombstone (kind, subject_digest, contact_digest, reference, erased_at)
        SELECT 'customer', encode(hmac('customer:' || id, %(key)s, 'sha256'), 'hex'),
               encode(hmac('email:' || email, %(key)s, 'sha256'), 'hex'), rule, %(at)s FROM erase""",
    # customer_inactive_archive
    f"""UPDATE accounts_user u
        SET state = 'archived', state_changed_at = %(at)s, archived_at = %(at)s, is_active = false
        WHERE {CUSTOMER} AND u.state = 'active'
        AND (u.last_activity_at IS NULL OR u.last_activity_at < %(customer_inactive_archive)s)
        AND GREATEST(COALESCE(u.last_activity_at, u.date_joined), COALESCE(u.last_login, u.date_joined),
            COALESCE((SELECT max(o.created_at) FROM accounts_order o WHERE o.customer_id = u.id), u.date_joined),
            COALESCE((SELECT max(s.ended_at) FROM accounts_service s WHERE s.customer_id = u.id), u.date_joined))
            < %(customer_inactive_archive)s
        AND {_customer_exceptions("hold", "request", "service")}""",
    # invoice_cancelled_delete
    f"""CREATE TEMP TABLE cancelled ON COMMIT DROP AS SELECT i.id FROM accounts_invoice i WHERE i.number IS NULL
        AND i.status = 'cancelled' AND i.cancelled_at < %(invoice_cancelled_delete)s
        AND {_held("accounts", "invoice", "i.id")} AND {NOT_HELD_CUSTOMER.format(ref="i.customer_id")}
        AND NOT EXISTS (SELECT 1 FROM accounts_transaction t WHERE t.invoice_id = i.id)""",
    "DELETE FROM accounts_invoiceline WHERE invoice_id IN (SELECT id FROM cancelled)",
    "DELETE FROM accounts_invoice WHERE id IN (SELECT id FROM cancelled)",
    # order_stale_delete
    f"""CREATE TEMP TABLE stale ON COMMIT DROP AS SELECT o.id, o.status, o.customer_id, o.buyer_ip
        FROM accounts_order o WHERE o.status IN ('cancelled', 'pending', 'fraudulent')
        AND o.status_changed_at < %(order_stale_delete)s
        AND {_held("accounts", "order", "o.id")} AND {NOT_HELD_CUSTOMER.format(ref="o.customer_id")}
        AND {NO_OPEN_REQUEST.format(ref="o.customer_id", email="")}
        AND NOT EXISTS (SELECT 1 FROM accounts_service s WHERE s.order_id = o.id AND s.status = 'active')
        AND NOT EXISTS (SELECT 1 FROM accounts_affiliatecommission c WHERE c.order_id = o.id
                        AND c.status IN ('accepted', 'paid'))
        AND NOT EXISTS (SELECT 1 FROM accounts_transaction t WHERE t.order_id = o.id
                        AND t.status IN ('succeeded', 'refunded'))
        AND NOT EXISTS (SELECT 1 FROM accounts_invoice i WHERE i.order_id = o.id AND i.number IS NOT NULL)""",
    """INSERT INTO retention_fraudmarker (digest, kind, created_at)
        SELECT DISTINCT encode(hmac('fraud:email:' || lower(u.email), %(key)s, 'sha256'), 'hex'), 'email', %(at)s
        FROM stale JOIN accounts_user u ON u.id = stale.customer_id
        WHERE stale.status = 'fraudulent' AND u.email NOT LIKE '%%@invalid'
        UNION SELECT DISTINCT encode(hmac('fraud:ip:' || host(buyer_ip), %(key)s, 'sha256'), 'hex'), 'ip', %(at)s
        FROM stale WHERE status = 'fraudulent' AND buyer_ip IS NOT NULL
        ON CONFLICT DO NOTHING""",
    """DELETE FROM accounts_affiliatecommission WHERE order_id IN (SELECT id FROM stale)
        AND status NOT IN ('accepted', 'paid')""",
    *_delete_orders("stale"),
    # accounting_records_delete: transactions, commissions, credit notes, then invoices no kept row points to.
    f"""DELETE FROM accounts_transaction t WHERE t.created_at < %(accounting_records_delete)s
        AND {_held("accounts", "transaction", "t.id")} AND {NOT_HELD_CUSTOMER.format(ref="t.customer_id")}""",
    f"""DELETE FROM accounts_affiliatecommission c
        WHERE COALESCE(c.decided_at, c.created_at) < %(accounting_records_delete)s
        AND {_held("accounts", "affiliatecommission", "c.id")} AND {NOT_HELD_CUSTOMER.format(ref="c.affiliate_id")}""",
    *[
        statement
        for kind, extra in (
            ("credit_note", ""),
            ("invoice", "AND NOT EXISTS (SELECT 1 FROM accounts_invoice n WHERE n.credited_invoice_id = i.id)"),
        )
        for statement in (
            f"""CREATE TEMP TABLE old_{kind} ON COMMIT DROP AS SELECT i.id FROM accounts_invoice i
                WHERE i.kind = '{kind}' AND i.number IS NOT NULL AND i.issued_at < %(accounting_records_delete)s
                AND {_held("accounts", "invoice", "i.id")} AND {NOT_HELD_CUSTOMER.format(ref="i.customer_id")}
                AND NOT EXISTS (SELECT 1 FROM accounts_transaction t WHERE t.invoice_id = i.id) {extra}""",
            f"DELETE FROM accounts_invoiceline WHERE invoice_id IN (SELECT id FROM old_{kind})",
            f"DELETE FROM accounts_invoice WHERE id IN (SELECT id FROM old_{kind})",
        )
    ],
    # order_data_delete
    f"""CREATE TEMP TABLE old_orders ON COMMIT DROP AS SELECT o.id FROM accounts_order o
        WHERE o.created_at < %(order_data_delete)s
        AND {_held("accounts", "order", "o.id")} AND {NOT_HELD_CUSTOMER.format(ref="o.customer_id")}
        AND NOT EXISTS (SELECT 1 FROM accounts_affiliatecommission c WHERE c.order_id = o.id)""",
    *_delete_orders("old_orders"),
    # support_ticket_delete
    f"""CREATE TEMP TABLE old_tickets ON COMMIT DROP AS SELECT k.id FROM accounts_supportticket k
        WHERE k.status = 'closed' AND k.closed_at < %(support_ticket_delete)s
        AND {_held("accounts", "supportticket", "k.id")} AND {NOT_HELD_CUSTOMER.format(ref="k.customer_id")}
        AND {NO_OPEN_REQUEST.format(ref="k.customer_id", email="")}""",
    "DELETE FROM accounts_ticketmessage WHERE ticket_id IN (SELECT id FROM old_tickets)",
    "DELETE FROM accounts_supportticket WHERE id IN (SELECT id FROM old_tickets)",
    # connection_log_delete, prospect_delete, fraud_marker_delete
    f"""DELETE FROM accounts_connectionlog l WHERE l.created_at < %(connection_log_delete)s
        AND {_held("accounts", "connectionlog", "l.id")} AND {NOT_HELD_CUSTOMER.format(ref="l.customer_id")}""",
    f"""DELETE FROM accounts_prospect p WHERE p.last_contact_at < %(prospect_delete)s
        AND {_held("accounts", "prospect", "p.id")}""",
    f"""DELETE FROM retention_fraudmarker f WHERE f.created_at < %(fraud_marker_delete)s
        AND {_held("retention", "fraudmarker", "f.id")}""",
    # request_file_anonymise
    f"""CREATE TEMP TABLE old_requests ON COMMIT DROP AS SELECT r.id FROM privacy_datasubjectrequest r
        WHERE r.status IN ('completed', 'rejected', 'withdrawn') AND r.closed_at < %(request_file_anonymise)s
        AND (r.requester_email <> '' OR r.requester_name <> '' OR r.customer_id IS NOT NULL)
        AND {_held("privacy", "datasubjectrequest", "r.id")} AND {NOT_HELD_CUSTOMER.format(ref="r.customer_id")}""",
    "UPDATE privacy_requestevent SET note = '' WHERE request_id IN (SELECT id FROM old_requests) AND note <> ''",
    """DELETE FROM privacy_restriction WHERE request_id IN (SELECT id FROM old_requests)
        AND (lifted_at IS NOT NULL OR ends_at <= %(at)s)""",
    """UPDATE privacy_datasubjectrequest SET requester_name = '', requester_email = '', details = '', response = '',
        extension_reason = '', trusted_person = '', rectification = '{}', customer_id = NULL
        WHERE id IN (SELECT id FROM old_requests)""",
    f"""DELETE FROM exports_downloadlog d WHERE d.downloaded_at < %(request_file_anonymise)s
        AND {_held("exports", "downloadlog", "d.id")}""",
    """UPDATE exports_downloadlog SET transmission_id = NULL WHERE transmission_id IN
        (SELECT id FROM exports_transmission WHERE created_at < %(request_file_anonymise)s)""",
    f"""DELETE FROM exports_transmission x WHERE x.created_at < %(request_file_anonymise)s
        AND {_held("exports", "transmission", "x.id")}""",
    # public_request_unconfirmed_delete, lcen_host_identity, export_expire
    f"""DELETE FROM privacy_pendingpublicrequest p WHERE p.submitted_at < %(public_request_unconfirmed_delete)s
        AND {_held("privacy", "pendingpublicrequest", "p.id")}""",
    "DELETE FROM retention_hostarchive WHERE contract_ended_at < %(lcen)s",
    """UPDATE exports_exportjob SET status = 'expired', expired_at = %(at)s
        WHERE status = 'ready' AND ready_at <= %(export_cut)s""",
]
