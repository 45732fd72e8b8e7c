// app.js - leakdex-web's pages: the French and English strings, a router on location, and each view built with the DOM from the JSON API (never from HTML text).
'use strict';

// One closure holds the whole file, so that nothing in it is global (it is
// longer than 150 lines by nature: it is the file).
(() => {
  // The SVG namespace is a name, not a resource: nothing is loaded from it.
  const SVG_NS = 'http://www.w3.org/2000/svg';
  // Message, thread and SHA-256 ids as the API takes them: the only archive
  // data ever put in a link, and only after this check.
  const ID_RE = /^[0-9a-f]{6,64}$/;
  const LIMIT_DEFAULT = 20; // hits per page
  const LIMIT_MAX = 200; // the largest page the URL may ask for
  const SENDERS_PAGE = 500; // rows per request when the senders page reads them all
  const SENDERS_REQUESTS_MAX = 200; // and at most this many requests (100,000 addresses)

  // Every string the pages show, in both languages. {name} is replaced by a
  // value; keys ending in _one/_other are chosen by Intl.PluralRules.
  const STRINGS = {
    en: {
      app_title: 'leakdex',
      nav_search: 'Search',
      nav_senders: 'Senders',
      nav_archive: 'Archive',
      lang_switch: 'Language',
      skip: 'Skip to the content',
      search_label: 'Search the archive',
      search_placeholder: 'words, "a phrase", from:alice, date:2017-04, verified:yes...',
      search_button: 'Search',
      search_key_hint: 'Press / to search',
      help_summary: 'Query syntax',
      help_loading: 'Loading the query syntax...',
      sort_label: 'Sort',
      sort_default: 'Best for the query',
      sort_relevance: 'Relevance',
      sort_date: 'Oldest first',
      sort_newest: 'Newest first',
      collapse_label: 'One hit per thread',
      export_label: 'Export these hits:',
      export_csv: 'CSV',
      export_json: 'JSON',
      export_zip: 'Originals (zip)',
      filters: 'Filters',
      facet_verdicts: 'Verification',
      facet_months: 'Month (UTC)',
      facet_domains: 'Sender domain',
      facet_senders: 'Top senders',
      facet_attachments: 'Attachments',
      facet_filetypes: 'Attachment type',
      facet_conflicts: 'Conflicts',
      facet_undated: 'undated: {n}',
      facet_remove: 'remove this filter',
      facet_month_bar: '{month}: {n}',
      facet_has_attachment: 'with an attachment',
      facet_conflict: 'copies that differ',
      facet_none: 'none',
      loading: 'Loading...',
      hits_one: '{n} message',
      hits_other: '{n} messages',
      threads_one: '{n} thread',
      threads_other: '{n} threads',
      hits_range: 'showing {from} to {to}',
      no_hits: 'No message matches this query.',
      page_nav: 'Pages',
      page_prev: 'Previous page',
      page_next: 'Next page',
      to: 'To',
      cc: 'Cc',
      bcc: 'Bcc',
      reply_to: 'Reply-To',
      from: 'From',
      subject: 'Subject',
      date: 'Date',
      message_id: 'Message-ID',
      in_reply_to: 'In-Reply-To',
      no_subject: '(no subject)',
      undated: 'undated',
      more_people: 'and {n} more',
      utc_title: 'UTC: {d}',
      date_received: 'date from a Received header',
      date_delivery: 'date from the Outlook item\u2019s delivery time',
      date_creation: 'date from the Outlook item\u2019s creation time',
      thread_hits_one: '{n} matching message in this thread',
      thread_hits_other: '{n} matching messages in this thread',
      attachments_short: 'Attachments:',
      unnamed: '(unnamed {type})',
      badge_verified: 'verified',
      badge_verified_title: 'Signed by the sender\'s domain over From, Subject, Date and the whole body',
      badge_weak: 'verified, weak key',
      badge_weak_title: 'Verified only with an RSA key under 1024 bits: a forger could have made this signature',
      badge_partial: 'signed in part',
      badge_chain: 'corroborated',
      badge_chain_title: 'Not verified itself: quoted unchanged by verified messages',
      badge_mismatch: 'quote differs',
      badge_mismatch_title: 'A verified message quotes this one with changes',
      badge_fail: 'signature fails',
      badge_fail_title: 'A DKIM signature is there but does not verify: the message was changed after signing',
      badge_nokey: 'key unknown',
      badge_nokey_title: 'Signed, but the signer\'s key was not available to check it',
      badge_invalid: 'invalid signature',
      badge_invalid_title: 'A DKIM signature that cannot be read or checked',
      badge_none: 'unsigned',
      badge_none_title: 'No DKIM signature: nothing proves who wrote it',
      badge_pass: 'signature passes',
      badge_pass_title: 'A signature verifies, but not one that makes the message verified',
      badge_unchecked: 'not checked',
      verdict_verified: 'verified',
      verdict_partial: 'signed in part',
      verdict_corroborated: 'corroborated',
      verdict_fail: 'signature fails',
      verdict_nokey: 'key unknown',
      verdict_invalid: 'invalid signature',
      verdict_none: 'unsigned',
      verdict_weak: 'weak key',
      verdict_pass: 'signature passes',
      verdict_unchecked: 'not checked',
      msg_links: 'Message links',
      msg_thread: 'The whole thread',
      msg_sender_mail: 'Other mail from {address}',
      msg_original: 'Download the original (.eml)',
      msg_headers: 'Headers',
      msg_not_signed: '(not signed)',
      msg_sender_time: 'Sender\'s clock',
      msg_verification: 'What this message proves',
      msg_verified_yes: 'Verified: signed by {domain}, the sender\'s domain, over From, Subject, Date and the whole body.',
      msg_verified_partial: 'Signed in part: {reason}.',
      msg_verified_no: 'Not verified: no passing signature of the sender\'s domain covers this message.',
      msg_signatures: 'DKIM signatures',
      msg_no_signature: 'This message carries no DKIM signature.',
      sig_head: 'Signature by {domain} (selector {selector}, {algorithm}, {canon}):',
      sig_pass: 'it verifies',
      sig_fail: 'it does not verify',
      sig_nokey: 'its key was not found',
      sig_invalid: 'it is invalid',
      sig_other: 'result {result}',
      sig_reason: 'reason: {reason}',
      sig_key: 'key of {bits} bits',
      sig_key_weak: 'key of {bits} bits, weak (under 1024 bits)',
      sig_key_record: 'record {n} of the selector',
      sig_key_source: 'key from {source}',
      sig_aligned: 'from the sender\'s domain',
      sig_not_aligned: 'not from the sender\'s domain',
      sig_unsigned_bytes: '{n} bytes of body after the signed length (l=) are not signed',
      sig_signed_at: 'signed on {d}',
      sig_expires: 'expires on {d}',
      sig_mbox_form: 'verified in its {form} mbox form',
      msg_body_unsigned: 'Only the first {n} bytes of this body are signed: the rest was added after signing.',
      msg_corroboration: 'Corroboration',
      corr_sentence: '{pct}% of this message\'s text appears, quoted, in message {id}, which carries a valid DKIM signature from {signer}',
      corr_header_none: '; no header of it was quoted.',
      corr_header_agrees: '; the quoted header agrees on {fields}.',
      corr_header_unchecked: ' Not checked: {fields}.',
      corr_mismatch: 'Message {id}, signed by {signer}, quotes this one with a difference: {reason}.',
      field_from: 'its sender',
      field_date: 'its date',
      field_subject: 'its subject',
      and: 'and',
      msg_copies: 'Copies and conflicts',
      msg_copies_text: 'Other copies of this message (the same Message-ID and content):',
      msg_conflicts_text: 'Messages with the same Message-ID that differ in sender, date, subject or body:',
      msg_paths: 'Where it was found',
      msg_mbox_at: '{path}, at byte {offset} ({length} bytes)',
      msg_body: 'Text',
      msg_body_html: 'This message had only an HTML body: here is its text, the HTML is never shown.',
      msg_body_truncated: 'The text is cut here: the message\'s text was longer than leakdex keeps.',
      msg_quote_one: 'Quoted text ({n} line)',
      msg_quote_other: 'Quoted text ({n} lines)',
      msg_replaced: '{n} invalid bytes were replaced by \uFFFD.',
      msg_attachments: 'Attachments',
      att_n: '#',
      att_name: 'Name',
      att_type: 'Type',
      att_size: 'Size',
      att_sha256: 'SHA-256',
      att_status: 'Status',
      att_actions: 'Files',
      att_in: 'in #{p}',
      att_sniffed: 'content: {type}',
      att_download: 'Download',
      att_download_label: 'Download attachment {n}',
      att_text: 'Text',
      att_text_label: 'Show the text extracted from attachment {n}',
      att_text_hide: 'Hide text',
      att_text_empty: 'No text was extracted from this attachment.',
      att_text_truncated: 'The text stops here: the index keeps only the start of a long attachment\'s text.',
      att_ocr_one: 'text read by OCR ({lang}, {n} page)',
      att_ocr_other: 'text read by OCR ({lang}, {n} pages)',
      att_ocr_confidence: 'mean confidence {c} %',
      bytes_one: '{n} byte',
      bytes_other: '{n} bytes',
      thread_title: 'Thread',
      thread_count_one: '{n} message in this thread',
      thread_count_other: '{n} messages in this thread',
      thread_current: 'the message you came from',
      senders_title: 'Senders',
      senders_filter: 'Only the senders of mail matching',
      senders_count_one: '{n} sender',
      senders_count_other: '{n} senders',
      senders_address: 'Address',
      senders_names: 'Names',
      senders_messages: 'Messages',
      senders_verified: 'Verified',
      senders_first: 'First',
      senders_last: 'Last',
      senders_sort_by: 'Sort by {column}',
      senders_search: 'Search the mail from {address}',
      archive_title: 'The archive',
      archive_summary_one: '{messages} email from {senders} unique senders; {verified} verified (signed by the sender\'s domain, in full), {pass} with a DKIM signature that passes',
      archive_summary_other: '{messages} emails from {senders} unique senders; {verified} verified (signed by the sender\'s domain, in full), {pass} with a DKIM signature that passes',
      archive_months: 'Messages per month (UTC)',
      archive_years: 'Messages per year (UTC)',
      archive_year: 'Year',
      archive_messages: 'Messages',
      archive_verdicts: 'Verification',
      archive_verdict: 'Verdict',
      archive_domains: 'Top sender domains',
      archive_domain: 'Domain',
      archive_attachments: 'Attachments',
      archive_attachments_text: '{n} attachment files (inside archives and attached messages too), {t} with text extracted.',
      archive_chain: '{c} corroborated by verified messages that quote them, {m} with a quote that differs.',
      archive_index: 'The index',
      archive_db: '{path}: {n} messages, created {created}, updated {updated}',
      archive_version: 'leakdex {v}',
      undated_count: 'undated: {n}',
      error_title: 'Error',
      error_http: 'the server answered with status {status}',
      error_network: 'the server cannot be reached',
      not_found: 'There is no such page.',
      help_back: 'Back to the search',
    },
    fr: {
      app_title: 'leakdex',
      nav_search: 'Recherche',
      nav_senders: 'Expéditeurs',
      nav_archive: 'Archive',
      lang_switch: 'Langue',
      skip: 'Aller au contenu',
      search_label: 'Chercher dans l\u2019archive',
      search_placeholder: 'mots, "une phrase", from:alice, date:2017-04, verified:yes...',
      search_button: 'Chercher',
      search_key_hint: 'Touche / pour chercher',
      help_summary: 'Syntaxe des requêtes',
      help_loading: 'Chargement de la syntaxe...',
      sort_label: 'Tri',
      sort_default: 'Le meilleur pour la requête',
      sort_relevance: 'Pertinence',
      sort_date: 'Plus anciens d\u2019abord',
      sort_newest: 'Plus récents d\u2019abord',
      collapse_label: 'Un résultat par fil',
      export_label: 'Exporter ces résultats :',
      export_csv: 'CSV',
      export_json: 'JSON',
      export_zip: 'Originaux (zip)',
      filters: 'Filtres',
      facet_verdicts: 'Vérification',
      facet_months: 'Mois (UTC)',
      facet_domains: 'Domaine de l\u2019expéditeur',
      facet_senders: 'Principaux expéditeurs',
      facet_attachments: 'Pièces jointes',
      facet_filetypes: 'Type de pièce jointe',
      facet_conflicts: 'Conflits',
      facet_undated: 'sans date : {n}',
      facet_remove: 'retirer ce filtre',
      facet_month_bar: '{month} : {n}',
      facet_has_attachment: 'avec une pièce jointe',
      facet_conflict: 'copies qui diffèrent',
      facet_none: 'aucun',
      loading: 'Chargement...',
      hits_one: '{n} message',
      hits_other: '{n} messages',
      threads_one: '{n} fil',
      threads_other: '{n} fils',
      hits_range: 'de {from} à {to}',
      no_hits: 'Aucun message ne correspond à cette requête.',
      page_nav: 'Pages',
      page_prev: 'Page précédente',
      page_next: 'Page suivante',
      to: 'À',
      cc: 'Cc',
      bcc: 'Cci',
      reply_to: 'Répondre à',
      from: 'De',
      subject: 'Objet',
      date: 'Date',
      message_id: 'Message-ID',
      in_reply_to: 'En réponse à',
      no_subject: '(sans objet)',
      undated: 'sans date',
      more_people: 'et {n} autres',
      utc_title: 'UTC : {d}',
      date_received: 'date prise d\u2019un en-tête Received',
      date_delivery: 'date de remise de l\u2019élément Outlook',
      date_creation: 'date de création de l\u2019élément Outlook',
      thread_hits_one: '{n} message de ce fil correspond',
      thread_hits_other: '{n} messages de ce fil correspondent',
      attachments_short: 'Pièces jointes :',
      unnamed: '(sans nom, {type})',
      badge_verified: 'vérifié',
      badge_verified_title: 'Signé par le domaine de l\u2019expéditeur sur From, Subject, Date et tout le corps',
      badge_weak: 'vérifié, clé faible',
      badge_weak_title: 'Vérifié seulement avec une clé RSA de moins de 1024 bits : un faussaire a pu faire cette signature',
      badge_partial: 'signé en partie',
      badge_chain: 'corroboré',
      badge_chain_title: 'Pas vérifié lui-même : cité sans changement par des messages vérifiés',
      badge_mismatch: 'citation différente',
      badge_mismatch_title: 'Un message vérifié cite celui-ci avec des changements',
      badge_fail: 'signature invalide',
      badge_fail_title: 'Une signature DKIM est là mais ne se vérifie pas : le message a été modifié après sa signature',
      badge_nokey: 'clé inconnue',
      badge_nokey_title: 'Signé, mais la clé du signataire n\u2019était pas disponible pour le vérifier',
      badge_invalid: 'signature illisible',
      badge_invalid_title: 'Une signature DKIM qui ne peut être lue ni vérifiée',
      badge_none: 'non signé',
      badge_none_title: 'Aucune signature DKIM : rien ne prouve qui l\u2019a écrit',
      badge_pass: 'signature valide',
      badge_pass_title: 'Une signature se vérifie, mais aucune qui rende le message vérifié',
      badge_unchecked: 'non vérifié',
      verdict_verified: 'vérifié',
      verdict_partial: 'signé en partie',
      verdict_corroborated: 'corroboré',
      verdict_fail: 'signature invalide',
      verdict_nokey: 'clé inconnue',
      verdict_invalid: 'signature illisible',
      verdict_none: 'non signé',
      verdict_weak: 'clé faible',
      verdict_pass: 'signature valide',
      verdict_unchecked: 'non vérifié',
      msg_links: 'Liens du message',
      msg_thread: 'Tout le fil',
      msg_sender_mail: 'Les autres messages de {address}',
      msg_original: 'Télécharger l\u2019original (.eml)',
      msg_headers: 'En-têtes',
      msg_not_signed: '(non signé)',
      msg_sender_time: 'Heure de l\u2019expéditeur',
      msg_verification: 'Ce que prouve ce message',
      msg_verified_yes: 'Vérifié : signé par {domain}, le domaine de l\u2019expéditeur, sur From, Subject, Date et tout le corps.',
      msg_verified_partial: 'Signé en partie : {reason}.',
      msg_verified_no: 'Non vérifié : aucune signature valide du domaine de l\u2019expéditeur ne couvre ce message.',
      msg_signatures: 'Signatures DKIM',
      msg_no_signature: 'Ce message ne porte aucune signature DKIM.',
      sig_head: 'Signature de {domain} (sélecteur {selector}, {algorithm}, {canon}) :',
      sig_pass: 'elle se vérifie',
      sig_fail: 'elle ne se vérifie pas',
      sig_nokey: 'sa clé est introuvable',
      sig_invalid: 'elle est illisible',
      sig_other: 'résultat {result}',
      sig_reason: 'raison : {reason}',
      sig_key: 'clé de {bits} bits',
      sig_key_weak: 'clé de {bits} bits, faible (moins de 1024 bits)',
      sig_key_record: 'enregistrement {n} du sélecteur',
      sig_key_source: 'clé venue de {source}',
      sig_aligned: 'du domaine de l\u2019expéditeur',
      sig_not_aligned: 'd\u2019un autre domaine que celui de l\u2019expéditeur',
      sig_unsigned_bytes: '{n} octets du corps après la longueur signée (l=) ne sont pas signés',
      sig_signed_at: 'signée le {d}',
      sig_expires: 'expire le {d}',
      sig_mbox_form: 'vérifiée sous sa forme mbox {form}',
      msg_body_unsigned: 'Seuls les {n} premiers octets de ce corps sont signés : la suite a été ajoutée après la signature.',
      msg_corroboration: 'Corroboration',
      corr_sentence: '{pct} % du texte de ce message apparaît, cité, dans le message {id}, qui porte une signature DKIM valide de {signer}',
      corr_header_none: ' ; aucun de ses en-têtes n\u2019y est cité.',
      corr_header_agrees: ' ; l\u2019en-tête cité concorde sur {fields}.',
      corr_header_unchecked: ' Non vérifié : {fields}.',
      corr_mismatch: 'Le message {id}, signé par {signer}, cite celui-ci avec une différence : {reason}.',
      field_from: 'son expéditeur',
      field_date: 'sa date',
      field_subject: 'son objet',
      and: 'et',
      msg_copies: 'Copies et conflits',
      msg_copies_text: 'Autres copies de ce message (même Message-ID, même contenu) :',
      msg_conflicts_text: 'Messages de même Message-ID qui diffèrent par l\u2019expéditeur, la date, l\u2019objet ou le corps :',
      msg_paths: 'Où il a été trouvé',
      msg_mbox_at: '{path}, à l\u2019octet {offset} ({length} octets)',
      msg_body: 'Texte',
      msg_body_html: 'Ce message n\u2019avait qu\u2019un corps HTML : en voici le texte, le HTML n\u2019est jamais affiché.',
      msg_body_truncated: 'Le texte s\u2019arrête ici : celui du message était plus long que ce que leakdex garde.',
      msg_quote_one: 'Texte cité ({n} ligne)',
      msg_quote_other: 'Texte cité ({n} lignes)',
      msg_replaced: '{n} octets invalides ont été remplacés par \uFFFD.',
      msg_attachments: 'Pièces jointes',
      att_n: 'n°',
      att_name: 'Nom',
      att_type: 'Type',
      att_size: 'Taille',
      att_sha256: 'SHA-256',
      att_status: 'État',
      att_actions: 'Fichiers',
      att_in: 'dans n°{p}',
      att_sniffed: 'contenu : {type}',
      att_download: 'Télécharger',
      att_download_label: 'Télécharger la pièce jointe {n}',
      att_text: 'Texte',
      att_text_label: 'Afficher le texte extrait de la pièce jointe {n}',
      att_text_hide: 'Masquer le texte',
      att_text_empty: 'Aucun texte n\u2019a été extrait de cette pièce jointe.',
      att_text_truncated: 'Le texte s\u2019arrête ici : l\u2019index ne garde que le début du texte d\u2019une longue pièce jointe.',
      att_ocr_one: 'texte lu par OCR ({lang}, {n} page)',
      att_ocr_other: 'texte lu par OCR ({lang}, {n} pages)',
      att_ocr_confidence: 'confiance moyenne {c} %',
      bytes_one: '{n} octet',
      bytes_other: '{n} octets',
      thread_title: 'Fil de discussion',
      thread_count_one: '{n} message dans ce fil',
      thread_count_other: '{n} messages dans ce fil',
      thread_current: 'le message d\u2019où vous venez',
      senders_title: 'Expéditeurs',
      senders_filter: 'Seulement les expéditeurs des messages qui correspondent à',
      senders_count_one: '{n} expéditeur',
      senders_count_other: '{n} expéditeurs',
      senders_address: 'Adresse',
      senders_names: 'Noms',
      senders_messages: 'Messages',
      senders_verified: 'Vérifiés',
      senders_first: 'Premier',
      senders_last: 'Dernier',
      senders_sort_by: 'Trier par {column}',
      senders_search: 'Chercher les messages de {address}',
      archive_title: 'L\u2019archive',
      archive_summary_one: '{messages} courriel de {senders} expéditeurs distincts ; {verified} vérifiés (signés par le domaine de l\u2019expéditeur, en entier), {pass} avec une signature DKIM valide',
      archive_summary_other: '{messages} courriels de {senders} expéditeurs distincts ; {verified} vérifiés (signés par le domaine de l\u2019expéditeur, en entier), {pass} avec une signature DKIM valide',
      archive_months: 'Messages par mois (UTC)',
      archive_years: 'Messages par année (UTC)',
      archive_year: 'Année',
      archive_messages: 'Messages',
      archive_verdicts: 'Vérification',
      archive_verdict: 'Verdict',
      archive_domains: 'Principaux domaines d\u2019expéditeurs',
      archive_domain: 'Domaine',
      archive_attachments: 'Pièces jointes',
      archive_attachments_text: '{n} fichiers joints (y compris dans les archives et les messages joints), dont {t} avec du texte extrait.',
      archive_chain: '{c} corroborés par des messages vérifiés qui les citent, {m} avec une citation qui diffère.',
      archive_index: 'L\u2019index',
      archive_db: '{path} : {n} messages, créé le {created}, mis à jour le {updated}',
      archive_version: 'leakdex {v}',
      undated_count: 'sans date : {n}',
      error_title: 'Erreur',
      error_http: 'le serveur a répondu avec le code {status}',
      error_network: 'le serveur est injoignable',
      not_found: 'Cette page n\u2019existe pas.',
      help_back: 'Retour à la recherche',
    },
  };
  const LANGS = Object.keys(STRINGS);
  const LANG_NAMES = { en: 'English', fr: 'Français' };

  let lang = 'en';
  let renderSeq = 0; // each render's number: a late answer for an older view is dropped

  // ---- language -----------------------------------------------------------

  function cookie(name) {
    for (const part of document.cookie.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
    }
    return '';
  }

  // ?lang=, else the switch's cookie, else the server's choice from
  // Accept-Language in <html lang>, else the browser's languages.
  function pickLang() {
    const candidates = [new URLSearchParams(location.search).get('lang'), cookie('lang'),
      document.documentElement.getAttribute('data-lang') || document.documentElement.lang,
      ...(navigator.languages || [])];
    for (const c of candidates) {
      const short = String(c || '').slice(0, 2).toLowerCase();
      if (LANGS.includes(short)) return short;
    }
    return 'en';
  }

  // Whether TABLE has KEY of its own: archive data may say 'constructor'.
  function own(table, key) {
    return typeof key === 'string' && Object.prototype.hasOwnProperty.call(table, key);
  }

  function pick(table, key) {
    return own(table, key) ? table[key] : undefined;
  }

  function t(key, vars) {
    const table = STRINGS[lang];
    const text = own(table, key) ? table[key] : STRINGS.en[key];
    if (text === undefined) throw new Error('no string ' + key);
    return vars ? text.replace(/\{(\w+)\}/g, (m, name) => (own(vars, name) ? String(vars[name]) : m)) : text;
  }

  // The plural form of KEY for the count N ({n} is N, formatted).
  function tn(key, n, vars) {
    const form = new Intl.PluralRules(lang).select(n) === 'one' ? '_one' : '_other';
    return t(key + form, Object.assign({ n: num(n) }, vars || {}));
  }

  function num(n) {
    return typeof n === 'number' ? new Intl.NumberFormat(lang).format(n) : String(n);
  }

  // ---- dates --------------------------------------------------------------

  const DATE_RE = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(Z|[+-]\d\d:\d\d)$/;

  // An ISO 8601 date as written on its own clock (the sender's, or UTC's),
  // formatted for the language; '' when it is not one.
  function wallClock(iso, withTime) {
    const m = DATE_RE.exec(String(iso || ''));
    if (!m) return '';
    const utc = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
    const opts = { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' };
    if (withTime) Object.assign(opts, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    return new Intl.DateTimeFormat(lang, opts).format(utc);
  }

  function offsetOf(iso) {
    const m = DATE_RE.exec(String(iso || ''));
    return m ? (m[7] === 'Z' ? '+00:00' : m[7]) : '';
  }

  function monthName(key) {
    const m = /^(\d{4})-(\d\d)$/.exec(key);
    if (!m) return key;
    return new Intl.DateTimeFormat(lang, { timeZone: 'UTC', year: 'numeric', month: 'long' })
      .format(new Date(Date.UTC(+m[1], +m[2] - 1, 1)));
  }

  function secondsDate(seconds) {
    if (typeof seconds !== 'number' || !isFinite(seconds)) return '';
    return new Intl.DateTimeFormat(lang, { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' })
      .format(new Date(seconds * 1000)) + ' UTC';
  }

  // Where a date came from when not from the Date header, in words.
  function dateSourceNote(source) {
    const key = { received: 'date_received', delivery: 'date_delivery', creation: 'date_creation' }[source];
    return key ? ' (' + t(key) + ')' : '';
  }

  // A hit's date: the sender's clock with its offset; UTC on hover.
  function dateCell(hit) {
    if (!hit.date) return el('span', { class: 'date undated' }, t('undated'));
    const local = hit.date_local || hit.date;
    const time = el('time', { class: 'date', datetime: String(hit.date),
      title: t('utc_title', { d: wallClock(hit.date, true) }) + dateSourceNote(hit.date_source) },
    wallClock(local, true) + ' ' + offsetOf(local));
    return time;
  }

  // ---- the DOM ------------------------------------------------------------

  function append(node, children) {
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) append(node, c);
      else node.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return node;
  }

  // An element with these attributes and children (strings become text
  // nodes). Attribute names are this file's literals, never archive data.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      node.setAttribute(k, v === true ? '' : String(v));
    }
    return append(node, children);
  }

  // NODE's children replaced by CHILDREN (null ones left out, as in el).
  function fill(node, ...children) {
    node.replaceChildren();
    return append(node, children);
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return append(node, children);
  }

  // ---- URLs and navigation -------------------------------------------------

  function validId(id) {
    return typeof id === 'string' && ID_RE.test(id);
  }

  // PATH with the non-empty PARAMS, and the current ?lang= kept.
  function pageUrl(path, params) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) {
      if (v !== '' && v !== null && v !== undefined) qs.set(k, String(v));
    }
    const current = new URLSearchParams(location.search).get('lang');
    if (current && LANGS.includes(current) && !qs.has('lang')) qs.set('lang', current);
    const s = qs.toString();
    return s ? path + '?' + s : path;
  }

  function apiUrl(path, params) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) {
      if (v !== '' && v !== null && v !== undefined) qs.set(k, String(v));
    }
    const s = qs.toString();
    return s ? path + '?' + s : path;
  }

  function messageUrl(id) {
    return validId(id) ? pageUrl('/message/' + id) : null;
  }

  function threadUrl(id) {
    return validId(id) ? pageUrl('/thread/' + id) : null;
  }

  function go(url) {
    history.pushState(null, '', url);
    render();
    window.scrollTo(0, 0);
  }

  function onLinkClick(ev) {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    go(ev.currentTarget.getAttribute('href'));
  }

  // A link to one of our pages (HREF built by pageUrl), followed in place.
  function link(href, attrs, ...children) {
    if (!href) return el('span', attrs, ...children);
    const a = el('a', Object.assign({ href }, attrs || {}), ...children);
    a.addEventListener('click', onLinkClick);
    return a;
  }

  // A link to a file the server sends as a download.
  function download(href, attrs, ...children) {
    return el('a', Object.assign({ href, download: true }, attrs || {}), ...children);
  }

  // The search for mail sent by ADDRESS: sender:, the exact address (from:
  // would also find a display name that spells it: a spoof).
  function senderQuery(address) {
    const a = String(address);
    return /^[^\s"()]+$/.test(a) ? 'sender:' + a : 'sender:"' + a.replace(/["()]/g, ' ') + '"';
  }

  // ---- the API ------------------------------------------------------------

  class ApiError extends Error {}

  async function api(path, params) {
    let res;
    try {
      res = await fetch(apiUrl(path, params), { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    } catch (e) {
      throw new ApiError(t('error_network'));
    }
    let body = null;
    try {
      body = await res.json();
    } catch (e) {
      body = null;
    }
    if (!res.ok || body === null || typeof body !== 'object') {
      const why = body && typeof body.error === 'string' ? body.error : t('error_http', { status: res.status });
      throw new ApiError(why);
    }
    return body;
  }

  function errorBox(err) {
    return el('div', { class: 'error', role: 'alert' }, el('strong', {}, t('error_title') + ': '),
      err instanceof ApiError ? err.message : String(err && err.message ? err.message : err));
  }

  // ---- shared pieces --------------------------------------------------------

  function person(p) {
    const name = p && p.name ? String(p.name) : '';
    const address = p && p.address ? String(p.address) : '';
    if (!name) return el('span', { class: 'person' }, el('span', { class: 'address' }, address));
    return el('span', { class: 'person', title: address }, el('span', { class: 'name' }, name),
      address ? el('span', { class: 'address' }, ' <' + address + '>') : null);
  }

  function people(list, max) {
    const shown = max ? list.slice(0, max) : list;
    const out = [];
    shown.forEach((p, i) => {
      if (i) out.push(', ');
      out.push(person(p));
    });
    if (list.length > shown.length) out.push(' ' + t('more_people', { n: num(list.length - shown.length) }));
    return out;
  }

  function isWeak(hit) {
    return (hit.dkim_signatures || []).some((s) => s.result === 'pass' && s.weak && s.aligned);
  }

  // The badges of a hit: words and a symbol, not colour alone.
  function badges(hit) {
    const out = [];
    const badge = (kind, text, title) => el('span', { class: 'badge badge-' + kind, title }, text);
    if (hit.verified === 'yes' && isWeak(hit)) out.push(badge('weak', '\u26A0 ' + t('badge_weak'), t('badge_weak_title')));
    else if (hit.verified === 'yes') out.push(badge('verified', '\u2714 ' + t('badge_verified'), t('badge_verified_title')));
    else if (hit.verified === 'partial') out.push(badge('partial', '\u25D0 ' + t('badge_partial'), hit.verified_reason || ''));
    const corr = hit.corroboration || {};
    if (corr.status === 'corroborated') out.push(badge('chain', '\u21B3 ' + t('badge_chain'), t('badge_chain_title')));
    else if (corr.status === 'mismatch') out.push(badge('mismatch', '\u2260 ' + t('badge_mismatch'), t('badge_mismatch_title')));
    if (hit.verified !== 'yes' && hit.verified !== 'partial') {
      const d = String(hit.dkim || '');
      const known = { fail: '\u2716 ', nokey: '? ', invalid: '\u2716 ', none: '\u2013 ', pass: '\u2713 ', unchecked: '\u2013 ' };
      if (own(known, d)) {
        const title = d === 'unchecked' ? '' : t('badge_' + d + '_title');
        out.push(badge(d, known[d] + t('badge_' + d), title));
      }
    }
    return el('span', { class: 'badges' }, out);
  }

  // TEXT with the code point ranges MATCHES wrapped in <mark>.
  function marked(text, matches) {
    const cps = Array.from(String(text || ''));
    const ranges = (Array.isArray(matches) ? matches : [])
      .filter((r) => Array.isArray(r) && Number.isInteger(r[0]) && Number.isInteger(r[1]))
      .sort((a, b) => a[0] - b[0]);
    const out = [];
    let pos = 0;
    for (const [start, end] of ranges) {
      if (start < pos || end <= start || end > cps.length) continue;
      if (start > pos) out.push(cps.slice(pos, start).join(''));
      out.push(el('mark', {}, cps.slice(start, end).join('')));
      pos = end;
    }
    if (pos < cps.length) out.push(cps.slice(pos).join(''));
    return out;
  }

  function attachmentName(a) {
    return a.name ? String(a.name) : t('unnamed', { type: String(a.sniffed_type || a.type || '') });
  }

  function subjectText(hit) {
    return hit.subject ? String(hit.subject) : t('no_subject');
  }

  function section(title, ...children) {
    return el('section', { class: 'block' }, el('h2', {}, title), ...children);
  }

  function setTitle(...parts) {
    document.title = parts.filter(Boolean).concat([t('app_title')]).join(' \u2014 ');
  }

  // ---- the frame -------------------------------------------------------------

  function langSwitch() {
    const box = el('div', { class: 'lang-switch', role: 'group', 'aria-label': t('lang_switch') });
    for (const code of LANGS) {
      const b = el('button', { type: 'button', lang: code, 'aria-pressed': code === lang ? 'true' : 'false' }, LANG_NAMES[code]);
      b.addEventListener('click', () => {
        document.cookie = 'lang=' + code + '; Path=/; Max-Age=31536000; SameSite=Strict';
        const qs = new URLSearchParams(location.search);
        qs.set('lang', code);
        go(location.pathname + '?' + qs.toString());
      });
      box.append(b);
    }
    return box;
  }

  function frame(active) {
    const nav = el('nav', { class: 'nav', 'aria-label': t('app_title') });
    for (const [key, path] of [['search', '/'], ['senders', '/senders'], ['archive', '/archive']]) {
      nav.append(link(pageUrl(path), { 'aria-current': key === active ? 'page' : null }, t('nav_' + key)));
    }
    const header = el('header', { class: 'top' },
      el('a', { class: 'skip', href: '#main' }, t('skip')),
      link(pageUrl('/'), { class: 'brand' }, el('img', { src: '/static/favicon.svg', alt: '', width: 24, height: 24 }), t('app_title')),
      nav, langSwitch());
    const main = el('main', { id: 'main', tabindex: '-1' });
    return { header, main };
  }

  // ---- router -----------------------------------------------------------------

  const ROUTES = [
    [/^\/$/, 'search', (main, m, params, live) => pageSearch(main, params, live)],
    [/^\/message\/([0-9a-f]{6,64})$/, 'search', (main, m, params, live) => pageMessage(main, m[1], live)],
    [/^\/thread\/([0-9a-f]{6,64})$/, 'search', (main, m, params, live) => pageThread(main, m[1], params, live)],
    [/^\/senders$/, 'senders', (main, m, params, live) => pageSenders(main, params, live)],
    [/^\/archive$/, 'archive', (main, m, params, live) => pageArchive(main, params, live)],
  ];

  function render() {
    const seq = ++renderSeq;
    const live = () => seq === renderSeq;
    lang = pickLang();
    document.documentElement.lang = lang;
    const params = new URLSearchParams(location.search);
    const route = ROUTES.find(([re]) => re.test(location.pathname));
    const { header, main } = frame(route ? route[1] : '');
    fill(document.getElementById('app'), header, main);
    if (!route) {
      setTitle(t('not_found'));
      main.append(el('h1', {}, t('not_found')), el('p', {}, link(pageUrl('/'), {}, t('help_back'))));
      return;
    }
    route[2](main, route[0].exec(location.pathname), params, live);
  }

  // ---- search page ----------------------------------------------------------

  function intParam(params, name, min, max, fallback) {
    const v = params.get(name);
    if (v === null || !/^\d{1,9}$/.test(v)) return fallback;
    return Math.min(max, Math.max(min, parseInt(v, 10)));
  }

  function searchState(params) {
    const sort = params.get('sort');
    return {
      q: (params.get('q') || '').trim(),
      sort: ['relevance', 'date', '-date'].includes(sort) ? sort : '',
      collapse: params.get('collapse') === 'thread' ? 'thread' : '',
      offset: intParam(params, 'offset', 0, 1e9, 0),
      limit: intParam(params, 'limit', 1, LIMIT_MAX, LIMIT_DEFAULT),
    };
  }

  // The URL of the search STATE with CHANGES; a new query starts at its first page.
  function searchUrl(state, changes) {
    const s = Object.assign({}, state, changes || {});
    return pageUrl('/', { q: s.q, sort: s.sort, collapse: s.collapse,
      offset: s.offset ? s.offset : '', limit: s.limit !== LIMIT_DEFAULT ? s.limit : '' });
  }

  function helpPanel() {
    const body = el('pre', { class: 'help-text' }, t('help_loading'));
    const details = el('details', { class: 'help' }, el('summary', {}, t('help_summary')), body);
    let loaded = false;
    details.addEventListener('toggle', () => {
      if (!details.open || loaded) return;
      loaded = true;
      api('/api/help').then((h) => fill(body, String(h.text || '')))
        .catch((e) => { loaded = false; fill(body, errorBox(e)); });
    });
    return details;
  }

  function searchForm(state) {
    const input = el('input', { id: 'q', name: 'q', type: 'search', value: state.q, autocomplete: 'off',
      spellcheck: 'false', placeholder: t('search_placeholder'), 'aria-describedby': 'q-hint' });
    const sort = el('select', { id: 'sort', name: 'sort' });
    for (const [v, key] of [['', 'sort_default'], ['relevance', 'sort_relevance'], ['date', 'sort_date'], ['-date', 'sort_newest']]) {
      sort.append(el('option', { value: v, selected: v === state.sort }, t(key)));
    }
    const collapse = el('input', { id: 'collapse', type: 'checkbox', checked: state.collapse === 'thread' });
    const form = el('form', { class: 'search', role: 'search', action: '/', method: 'get' },
      el('div', { class: 'search-row' },
        el('label', { for: 'q', class: 'visually-hidden' }, t('search_label')), input,
        el('button', { type: 'submit', id: 'search-button' }, t('search_button'))),
      el('div', { class: 'search-options' },
        el('span', { id: 'q-hint', class: 'hint' }, t('search_key_hint')),
        el('label', { for: 'sort' }, t('sort_label') + ' '), sort,
        el('label', { class: 'check' }, collapse, ' ' + t('collapse_label'))));
    const submit = (changes) => go(searchUrl(state, Object.assign({ q: input.value.trim(), offset: 0,
      sort: sort.value, collapse: collapse.checked ? 'thread' : '' }, changes)));
    form.addEventListener('submit', (ev) => { ev.preventDefault(); submit(); });
    sort.addEventListener('change', () => submit({ q: state.q }));
    collapse.addEventListener('change', () => submit({ q: state.q }));
    return form;
  }

  function exportLinks(state) {
    const params = { q: state.q, sort: state.sort };
    return el('p', { class: 'exports' }, t('export_label') + ' ',
      download(apiUrl('/api/export.csv', params), { id: 'export-csv' }, t('export_csv')), ' ',
      download(apiUrl('/api/export.json', params), { id: 'export-json' }, t('export_json')), ' ',
      download(apiUrl('/api/export.zip', params), { id: 'export-zip' }, t('export_zip')));
  }

  function pageSearch(main, params, live) {
    const state = searchState(params);
    setTitle(state.q, t('nav_search'));
    const facets = el('aside', { class: 'facets', id: 'facets', 'aria-label': t('filters') }, el('p', { class: 'loading' }, t('loading')));
    const results = el('section', { class: 'results', id: 'results', 'aria-busy': 'true' }, el('p', { class: 'loading' }, t('loading')));
    main.append(el('h1', { class: 'visually-hidden' }, t('nav_search')), searchForm(state), helpPanel(),
      el('div', { class: 'search-layout' }, facets, results));
    api('/api/search', { q: state.q, offset: state.offset, limit: state.limit, sort: state.sort, collapse: state.collapse })
      .then((r) => { if (live()) drawResults(results, r, state); })
      .catch((e) => { if (live()) fill(results, errorBox(e)); })
      .finally(() => results.removeAttribute('aria-busy'));
    api('/api/facets', { q: state.q })
      .then((f) => { if (live()) drawFacets(facets, f, state); })
      .catch((e) => { if (live()) fill(facets, errorBox(e)); });
  }

  function drawResults(box, r, state) {
    const total = Number(r.total) || 0;
    const hits = Array.isArray(r.hits) ? r.hits : [];
    const count = el('p', { id: 'hit-count', class: 'hit-count', 'data-total': String(total), role: 'status' },
      el('strong', {}, tn(state.collapse ? 'threads' : 'hits', total)),
      hits.length ? ' \u00B7 ' + t('hits_range', { from: num(state.offset + 1), to: num(state.offset + hits.length) }) : '');
    const list = el('ol', { class: 'hits', id: 'hits', start: state.offset + 1 });
    for (const hit of hits) list.append(hitItem(hit, state));
    fill(box, count, exportLinks(state), hits.length ? list : el('p', { class: 'empty' }, t('no_hits')),
      pager(state, total));
  }

  function pager(state, total) {
    const nav = el('nav', { class: 'pager', 'aria-label': t('page_nav') });
    if (state.offset > 0) {
      nav.append(link(searchUrl(state, { offset: Math.max(0, state.offset - state.limit) }), { rel: 'prev', id: 'page-prev' }, '\u2190 ' + t('page_prev')));
    }
    if (state.offset + state.limit < total) {
      nav.append(link(searchUrl(state, { offset: state.offset + state.limit }), { rel: 'next', id: 'page-next' }, t('page_next') + ' \u2192'));
    }
    return nav;
  }

  function hitItem(hit, state) {
    const recipients = [].concat(hit.to || [], hit.cc || []);
    const snippet = hit.snippet && hit.snippet.text ? el('p', { class: 'snippet' }, marked(hit.snippet.text, hit.snippet.matches)) : null;
    const atts = (hit.attachments || []).map((a) => el('li', {}, attachmentName(a)));
    const threadHits = typeof hit.thread_hits === 'number' && state.collapse
      ? link(threadUrl(hit.thread), { class: 'thread-hits' }, tn('thread_hits', hit.thread_hits)) : null;
    return el('li', { class: 'hit', 'data-id': validId(hit.id) ? hit.id : null },
      el('div', { class: 'hit-head' }, badges(hit), ' ', dateCell(hit), ' ', el('span', { class: 'from' }, person(hit.from))),
      el('h3', { class: 'subject' }, link(messageUrl(hit.id), { class: 'subject-link' }, subjectText(hit))),
      recipients.length ? el('p', { class: 'to' }, el('span', { class: 'label' }, t('to') + ': '), people(recipients, 4)) : null,
      snippet,
      atts.length ? el('div', { class: 'hit-attachments' }, el('span', { class: 'label' }, t('attachments_short')), el('ul', {}, atts)) : null,
      threadHits);
  }

  // ---- facets -----------------------------------------------------------------

  function words(q) {
    return q.split(/\s+/).filter(Boolean);
  }

  // The query with TERM added, as a click on a filter makes it (and a
  // query with operators in parentheses, so that the term filters all of it).
  function withTerm(q, term) {
    if (!q) return term;
    return /(^|[\s(])(OR|XOR|AND|NOT|NEAR|ADJ)([\s(/]|$)/.test(q) ? '(' + q + ') ' + term : q + ' ' + term;
  }

  function withoutTerm(q, term) {
    return words(q).filter((w) => w !== term).join(' ');
  }

  function facetLink(state, entry, label) {
    const term = String(entry.query || '');
    const active = words(state.q).includes(term);
    const q = active ? withoutTerm(state.q, term) : withTerm(state.q, term);
    return link(searchUrl(state, { q, offset: 0 }), { class: 'facet' + (active ? ' active' : ''), 'data-query': term,
      'aria-pressed': active ? 'true' : null, title: active ? t('facet_remove') : term },
    el('span', { class: 'facet-label' }, label), ' ', el('span', { class: 'facet-count' }, num(Number(entry.count) || 0)));
  }

  function facetGroup(title, id, entries, state, labelOf) {
    if (!Array.isArray(entries) || !entries.length) return null;
    const list = el('ul', { class: 'facet-list' });
    for (const e of entries) list.append(el('li', {}, facetLink(state, e, labelOf(e))));
    return el('section', { class: 'facet-group', id: 'facet-' + id }, el('h2', {}, title), list);
  }

  function verdictLabel(key) {
    const k = 'verdict_' + key;
    return own(STRINGS.en, k) ? t(k) : String(key);
  }

  function drawFacets(box, f, state) {
    fill(box, el('h2', { class: 'visually-hidden' }, t('filters')),
      facetGroup(t('facet_verdicts'), 'verdicts', (f.verdicts || []).filter((e) => e.count > 0 || words(state.q).includes(e.query)),
        state, (e) => el('span', { class: 'badge badge-' + facetBadgeClass(e.key) }, verdictLabel(e.key))),
      monthsGroup(f, state),
      facetGroup(t('facet_domains'), 'domains', f.domains, state, (e) => String(e.key)),
      facetGroup(t('facet_senders'), 'senders', f.senders, state, (e) => (e.name ? String(e.name) : String(e.key))),
      facetGroup(t('facet_attachments'), 'attachments', (f.attachments || []).filter((e) => e.count > 0), state, () => t('facet_has_attachment')),
      facetGroup(t('facet_filetypes'), 'filetypes', f.filetypes, state, (e) => String(e.key)),
      facetGroup(t('facet_conflicts'), 'conflicts', (f.conflicts || []).filter((e) => e.count > 0), state, () => t('facet_conflict')));
  }

  function facetBadgeClass(key) {
    return pick({ verified: 'verified', partial: 'partial', corroborated: 'chain', weak: 'weak' }, key) || String(key).replace(/[^a-z]/g, '');
  }

  // Every month from the first to the last with mail, those without as gaps.
  function monthSeries(months) {
    const byKey = new Map();
    for (const m of months) if (/^\d{4}-\d\d$/.test(m.key)) byKey.set(m.key, m);
    const keys = [...byKey.keys()].sort();
    if (!keys.length) return [];
    let [y, mo] = keys[0].split('-').map(Number);
    const [ly, lm] = keys[keys.length - 1].split('-').map(Number);
    const out = [];
    while (y < ly || (y === ly && mo <= lm)) {
      const key = y + '-' + String(mo).padStart(2, '0');
      out.push(byKey.get(key) || { key, count: 0 });
      if (++mo > 12) { mo = 1; y++; }
    }
    return out;
  }

  // The months as an SVG bar chart, each bar a link to its month's mail.
  function histogram(months, state, height) {
    const series = monthSeries(months || []);
    if (!series.length) return null;
    const barW = 10;
    const max = Math.max(...series.map((m) => Number(m.count) || 0), 1);
    const chart = svg('svg', { class: 'histogram', viewBox: '0 0 ' + series.length * barW + ' ' + height,
      preserveAspectRatio: 'none', role: 'group', 'aria-label': t('facet_months') });
    series.forEach((m, i) => {
      const count = Number(m.count) || 0;
      if (!count) return;
      const h = Math.max(2, Math.round((count / max) * (height - 2)));
      const label = t('facet_month_bar', { month: monthName(m.key), n: num(count) });
      const active = words(state.q).includes(String(m.query));
      const q = active ? withoutTerm(state.q, m.query) : withTerm(state.q, String(m.query));
      const href = searchUrl(state, { q, offset: 0 });
      const a = svg('a', { href, class: 'bar' + (active ? ' active' : ''), 'aria-label': label, 'data-query': String(m.query) },
        svg('title', {}, label),
        svg('rect', { x: i * barW, y: 0, width: barW, height, class: 'bar-hit' }),
        svg('rect', { x: i * barW + 1, y: height - h, width: barW - 2, height: h, class: 'bar-fill' }));
      a.addEventListener('click', onLinkClick);
      chart.append(a);
    });
    const first = series[0].key.slice(0, 4);
    const last = series[series.length - 1].key.slice(0, 4);
    return el('div', { class: 'histogram-box' }, chart,
      el('div', { class: 'histogram-axis', 'aria-hidden': 'true' }, el('span', {}, first), el('span', {}, last)));
  }

  function monthsGroup(f, state) {
    const chart = histogram(f.months, state, 60);
    if (!chart) return null;
    return el('section', { class: 'facet-group', id: 'facet-months' }, el('h2', {}, t('facet_months')), chart,
      f.undated ? el('p', { class: 'hint' }, t('facet_undated', { n: num(f.undated) })) : null);
  }

  // ---- message page --------------------------------------------------------------

  function pageMessage(main, id, live) {
    main.append(el('p', { class: 'loading' }, t('loading')));
    api('/api/message/' + id)
      .then((m) => { if (live()) drawMessage(main, m); })
      .catch((e) => { if (live()) fill(main, errorBox(e)); });
  }

  function drawMessage(main, m) {
    setTitle(subjectText(m));
    const sender = m.from && m.from.address ? String(m.from.address) : '';
    const links = el('ul', { class: 'msg-links', 'aria-label': t('msg_links') },
      validId(m.thread) ? el('li', {}, link(threadUrl(m.thread), { id: 'thread-link' }, t('msg_thread'))) : null,
      sender ? el('li', {}, link(searchUrl(searchState(new URLSearchParams()), { q: senderQuery(sender) }), { id: 'sender-link' },
        t('msg_sender_mail', { address: sender }))) : null,
      validId(m.id) ? el('li', {}, download('/api/original/' + m.id, { id: 'original-link' }, t('msg_original'))) : null);
    fill(main,
      el('h1', { class: 'msg-subject', id: 'msg-subject' }, subjectText(m)),
      el('div', { class: 'msg-top' }, badges(m), ' ', dateCell(m)),
      links,
      headersBlock(m),
      verificationBlock(m),
      corroborationBlock(m),
      copiesBlock(m),
      bodyBlock(m),
      attachmentsBlock(m),
      pathsBlock(m));
  }

  function headersBlock(m) {
    const unsigned = new Set(m.unsigned_headers || []);
    const mark = (field) => (unsigned.has(field) ? el('span', { class: 'not-signed' }, ' ' + t('msg_not_signed')) : null);
    const dl = el('dl', { class: 'headers' });
    const row = (label, field, ...value) => dl.append(el('dt', {}, label), el('dd', {}, ...value, mark(field)));
    row(t('from'), 'from', person(m.from));
    for (const [key, field] of [['to', 'to'], ['cc', 'cc'], ['bcc', 'bcc'], ['reply_to', 'reply_to']]) {
      if (Array.isArray(m[field]) && m[field].length) row(t(key), field, people(m[field]));
    }
    row(t('subject'), 'subject', subjectText(m));
    if (m.date) {
      row(t('date'), 'date', wallClock(m.date, true) + ' UTC');
      row(t('msg_sender_time'), '', wallClock(m.date_local, true) + ' ' + offsetOf(m.date_local) +
        dateSourceNote(m.date_source));
    } else {
      row(t('date'), 'date', t('undated'));
    }
    if (m.message_id) row(t('message_id'), 'message_id', String(m.message_id));
    if (m.in_reply_to) row(t('in_reply_to'), 'in_reply_to', String(m.in_reply_to));
    return section(t('msg_headers'), dl);
  }

  function verificationBlock(m) {
    let sentence;
    const aligned = (m.dkim_signatures || []).find((s) => s.result === 'pass' && s.aligned);
    if (m.verified === 'yes') sentence = t('msg_verified_yes', { domain: aligned ? aligned.domain : (m.signers || []).join(', ') });
    else if (m.verified === 'partial') sentence = t('msg_verified_partial', { reason: m.verified_reason || '' });
    else sentence = t('msg_verified_no');
    const sigs = (m.dkim_signatures || []).map((s) => el('li', { class: 'signature signature-' + String(s.result).replace(/[^a-z]/g, '') }, signatureText(s)));
    return section(t('msg_verification'),
      el('p', { class: 'verdict-sentence', id: 'verdict-sentence' }, badges(m), ' ', sentence),
      el('h3', {}, t('msg_signatures')),
      sigs.length ? el('ul', { class: 'signatures' }, sigs) : el('p', {}, t('msg_no_signature')),
      typeof m.body_signed_bytes === 'number' ? el('p', { class: 'warning' }, t('msg_body_unsigned', { n: num(m.body_signed_bytes) })) : null);
  }

  // One DKIM signature in plain words.
  function signatureText(s) {
    const result = pick({ pass: 'sig_pass', fail: 'sig_fail', nokey: 'sig_nokey', invalid: 'sig_invalid' }, s.result);
    const parts = [result ? t(result) : t('sig_other', { result: String(s.result) })];
    if (s.reason) parts.push(t('sig_reason', { reason: String(s.reason) }));
    if (s.key_bits) parts.push(t(s.weak ? 'sig_key_weak' : 'sig_key', { bits: num(s.key_bits) }));
    if (s.key_record) parts.push(t('sig_key_record', { n: num(s.key_record) }));
    if (s.key_source) parts.push(t('sig_key_source', { source: String(s.key_source) }));
    parts.push(t(s.aligned ? 'sig_aligned' : 'sig_not_aligned'));
    if (typeof s.unsigned_bytes === 'number') parts.push(t('sig_unsigned_bytes', { n: num(s.unsigned_bytes) }));
    if (typeof s.t === 'number') parts.push(t('sig_signed_at', { d: secondsDate(s.t) }));
    if (typeof s.x === 'number') parts.push(t('sig_expires', { d: secondsDate(s.x) }));
    if (s.mbox_form) parts.push(t('sig_mbox_form', { form: String(s.mbox_form) }));
    return [el('strong', {}, t('sig_head', { domain: String(s.domain || ''), selector: String(s.selector || ''),
      algorithm: String(s.algorithm || ''), canon: String(s.canonicalization || '') })), ' ', parts.join('; ') + '.'];
  }

  function fieldList(fields) {
    const names = fields.map((f) => pick({ from: t('field_from'), date: t('field_date'), subject: t('field_subject') }, f) || String(f));
    return names.length > 1 ? names.slice(0, -1).join(', ') + ' ' + t('and') + ' ' + names[names.length - 1] : names.join('');
  }

  // A sentence with {id} as a link to that message.
  function sentenceWithId(key, vars, id) {
    const text = t(key, Object.assign({}, vars, { id: '\u0000' }));
    const [before, after] = text.split('\u0000');
    return [before, link(messageUrl(id), { class: 'msg-id' }, String(id)), after];
  }

  function corroborationBlock(m) {
    const c = m.corroboration || {};
    const items = [];
    for (const by of c.corroborated_by || []) {
      let tail = t('corr_header_none');
      if (by.header) {
        const agrees = Array.isArray(by.header.agrees) ? by.header.agrees : [];
        const unchecked = Array.isArray(by.header.unchecked) ? by.header.unchecked : [];
        tail = agrees.length ? t('corr_header_agrees', { fields: fieldList(agrees) }) : '.';
        if (unchecked.length) tail += t('corr_header_unchecked', { fields: fieldList(unchecked) });
      }
      items.push(el('li', { class: 'corroboration' },
        sentenceWithId('corr_sentence', { pct: num(by.coverage), signer: String(by.signer || '') }, by.id), tail));
    }
    for (const mm of c.mismatches || []) {
      items.push(el('li', { class: 'mismatch' }, sentenceWithId('corr_mismatch', { signer: String(mm.signer || ''), reason: String(mm.reason || '') }, mm.id)));
    }
    return items.length ? section(t('msg_corroboration'), el('ul', { class: 'sentences' }, items)) : null;
  }

  function copiesBlock(m) {
    const list = (shas) => el('ul', { class: 'ids' }, shas.map((s) => el('li', {}, link(messageUrl(s), { class: 'msg-id' }, String(s)))));
    const copies = m.copies || [];
    const conflicts = m.conflicts || [];
    if (!copies.length && !conflicts.length) return null;
    return section(t('msg_copies'),
      copies.length ? [el('p', {}, t('msg_copies_text')), list(copies)] : null,
      conflicts.length ? [el('p', { class: 'warning' }, t('msg_conflicts_text')), list(conflicts)] : null);
  }

  // A location as the command line shows it: the file, then each archive
  // member ("leak.zip!/mail/a.eml"), then an Outlook item's folder and id.
  function shownPath(p) {
    let shown = String(p.path);
    for (const member of Array.isArray(p.members) ? p.members : []) {
      const name = String(member);
      shown += (name.startsWith('/') ? '!' : '!/') + name;
    }
    if (typeof p.item === 'number') shown += '!' + String(p.folder || '') + '/#' + String(p.item);
    return shown;
  }

  function pathsBlock(m) {
    const items = (m.paths || []).map((p) => el('li', {}, typeof p.mbox_offset === 'number'
      ? t('msg_mbox_at', { path: shownPath(p), offset: num(p.mbox_offset), length: num(p.mbox_length) }) : shownPath(p)));
    return items.length ? section(t('msg_paths'), el('ul', { class: 'paths' }, items)) : null;
  }

  // The body as text: runs of quoted lines ('>') folded.
  function bodyText(text) {
    const box = el('div', { class: 'body-text', id: 'body-text' });
    const lines = String(text || '').split('\n');
    let i = 0;
    while (i < lines.length) {
      const quoted = lines[i].startsWith('>');
      let j = i;
      while (j < lines.length && lines[j].startsWith('>') === quoted) j++;
      const run = lines.slice(i, j).join('\n');
      if (quoted) {
        box.append(el('details', { class: 'quote' }, el('summary', {}, tn('msg_quote', j - i)), el('div', { class: 'quote-text' }, run)));
      } else {
        box.append(el('div', { class: 'body-run' }, run));
      }
      i = j;
    }
    return box;
  }

  function bodyBlock(m) {
    return section(t('msg_body'),
      m.body_source === 'html' ? el('p', { class: 'hint' }, t('msg_body_html')) : null,
      m.replaced_characters ? el('p', { class: 'hint' }, t('msg_replaced', { n: num(m.replaced_characters) })) : null,
      bodyText(m.body),
      m.body_truncated === 'yes' ? el('p', { class: 'warning' }, t('msg_body_truncated')) : null);
  }

  function attachmentsBlock(m) {
    const atts = m.attachments || [];
    if (!atts.length) return null;
    const head = el('tr', {}, ['att_n', 'att_name', 'att_type', 'att_size', 'att_sha256', 'att_status', 'att_actions']
      .map((k) => el('th', { scope: 'col' }, t(k))));
    const body = el('tbody', {});
    for (const a of atts) body.append(...attachmentRows(m, a));
    return section(t('msg_attachments'), el('div', { class: 'table-scroll' },
      el('table', { class: 'attachments', id: 'attachments' }, el('thead', {}, head), body)));
  }

  function attachmentRows(m, a) {
    const n = Number(a.n);
    const ok = validId(m.id) && Number.isInteger(n) && n > 0;
    const base = ok ? '/api/attachment/' + m.id + '/' + n : null;
    const textRow = el('tr', { class: 'att-text-row', hidden: true }, el('td', { colspan: 7 }));
    const actions = el('td', { class: 'actions' });
    if (base) {
      actions.append(download(base, { class: 'att-download', 'aria-label': t('att_download_label', { n }) }, t('att_download')));
      if (Number(a.text_bytes) > 0) actions.append(' ', textButton(base + '/text', n, textRow));
    }
    const type = [a.type ? String(a.type) : null,
      a.sniffed_type && a.sniffed_type !== a.type ? t('att_sniffed', { type: String(a.sniffed_type) }) : null].filter(Boolean).join(', ');
    const row = el('tr', { class: 'attachment', 'data-n': ok ? n : null },
      el('td', {}, num(n), a.parent ? el('span', { class: 'hint' }, ' ' + t('att_in', { p: num(a.parent) })) : null),
      el('td', { class: 'att-name' }, attachmentName(a)),
      el('td', {}, type),
      el('td', { class: 'num' }, tn('bytes', Number(a.size) || 0)),
      el('td', {}, el('code', { class: 'sha256' }, String(a.sha256 || ''))),
      el('td', {}, String(a.status || ''), ocrNote(a)),
      actions);
    return [row, textRow];
  }

  // Beside the status of an attachment read by OCR: its languages, pages
  // and mean confidence.
  function ocrNote(a) {
    if (!Number.isInteger(a.ocr_pages) || a.ocr_pages < 1) return null;
    const conf = Number.isInteger(a.ocr_confidence) ? ', ' + t('att_ocr_confidence', { c: num(a.ocr_confidence) }) : '';
    return el('span', { class: 'hint att-ocr' }, ' ' + tn('att_ocr', a.ocr_pages, { lang: String(a.ocr_language || '') }) + conf);
  }

  // A button that shows an attachment's extracted text below its row.
  function textButton(url, n, row) {
    const button = el('button', { type: 'button', class: 'att-text', 'aria-expanded': 'false', 'aria-label': t('att_text_label', { n }) }, t('att_text'));
    let loaded = false;
    button.addEventListener('click', () => {
      const open = row.hidden;
      row.hidden = !open;
      button.setAttribute('aria-expanded', open ? 'true' : 'false');
      button.textContent = open ? t('att_text_hide') : t('att_text');
      if (!open || loaded) return;
      loaded = true;
      const cell = row.firstChild;
      fill(cell, el('p', { class: 'loading' }, t('loading')));
      api(url).then((r) => {
        const text = typeof r.text === 'string' ? r.text : '';
        fill(cell, text ? el('div', { class: 'att-text-body' }, text) : el('p', {}, t('att_text_empty')),
          r.truncated === true ? el('p', { class: 'warning' }, t('att_text_truncated')) : null);
      }).catch((e) => { loaded = false; fill(cell, errorBox(e)); });
    });
    return button;
  }

  // ---- thread page ------------------------------------------------------------------

  // Each message's depth under the message it answers, from the thread's own
  // Message-IDs (a reply whose parent is not in the list starts at depth 0).
  function depths(hits) {
    const byMid = new Map();
    hits.forEach((h, i) => { if (h.message_id && !byMid.has(h.message_id)) byMid.set(h.message_id, i); });
    const depth = new Array(hits.length).fill(-1);
    const depthOf = (i, seen) => {
      if (depth[i] >= 0) return depth[i];
      const h = hits[i];
      if (typeof h.depth === 'number') return (depth[i] = h.depth);
      const refs = [h.in_reply_to].concat((h.references || []).slice().reverse());
      let d = 0;
      for (const r of refs) {
        const p = byMid.get(r);
        if (p !== undefined && p !== i && !seen.has(p)) {
          seen.add(i);
          d = depthOf(p, seen) + 1;
          break;
        }
      }
      return (depth[i] = d);
    };
    return hits.map((h, i) => depthOf(i, new Set()));
  }

  function pageThread(main, id, params, live) {
    main.append(el('p', { class: 'loading' }, t('loading')));
    const sort = params.get('sort') === '-date' ? '-date' : '';
    api('/api/thread/' + id, { sort })
      .then((r) => { if (live()) drawThread(main, r, id); })
      .catch((e) => { if (live()) fill(main, errorBox(e)); });
  }

  function drawThread(main, r, id) {
    const hits = Array.isArray(r.hits) ? r.hits : [];
    setTitle(hits.length ? subjectText(hits[0]) : '', t('thread_title'));
    const d = depths(hits);
    const list = el('ol', { class: 'thread', id: 'thread' });
    hits.forEach((hit, i) => {
      const current = typeof hit.id === 'string' && (hit.id.startsWith(id) || id.startsWith(hit.id));
      const item = el('li', { class: 'thread-item' + (current ? ' current' : ''), 'data-depth': d[i], 'data-id': validId(hit.id) ? hit.id : null },
        el('div', { class: 'hit-head' }, badges(hit), ' ', dateCell(hit), ' ', el('span', { class: 'from' }, person(hit.from))),
        link(messageUrl(hit.id), { class: 'subject-link', 'aria-current': current ? 'page' : null }, subjectText(hit)),
        current ? el('span', { class: 'hint' }, ' (' + t('thread_current') + ')') : null);
      // CSSOM, not a style attribute: the policy allows no inline style.
      item.style.setProperty('--depth', String(Math.min(d[i], 12)));
      list.append(item);
    });
    fill(main, el('h1', {}, t('thread_title') + ': ' + (hits.length ? subjectText(hits[0]) : '')),
      el('p', { class: 'hit-count', id: 'hit-count', 'data-total': String(hits.length) }, tn('thread_count', Number(r.total) || hits.length)),
      list);
  }

  // ---- senders page ------------------------------------------------------------------

  const SENDER_SORTS = {
    count: (a, b) => b.messages - a.messages,
    verified: (a, b) => b.verified - a.verified || b.messages - a.messages,
    address: (a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0),
    first: (a, b) => String(a.first || '\uffff').localeCompare(String(b.first || '\uffff')),
    last: (a, b) => String(b.last || '').localeCompare(String(a.last || '')),
  };

  // Every row of /api/senders for Q, read a page at a time.
  async function allSenders(q, live) {
    const rows = [];
    let total = 0;
    for (let i = 0; i < SENDERS_REQUESTS_MAX && live(); i++) {
      const r = await api('/api/senders', { q, offset: rows.length, limit: SENDERS_PAGE });
      total = Number(r.total) || 0;
      const page = Array.isArray(r.people) ? r.people : [];
      rows.push(...page);
      if (!page.length || rows.length >= total) break;
    }
    return { total, rows };
  }

  function pageSenders(main, params, live) {
    const q = (params.get('q') || '').trim();
    const sort = own(SENDER_SORTS, params.get('sort')) ? params.get('sort') : 'count';
    setTitle(q, t('senders_title'));
    const input = el('input', { id: 'q', name: 'q', type: 'search', value: q, autocomplete: 'off', spellcheck: 'false' });
    const form = el('form', { class: 'search', role: 'search' },
      el('div', { class: 'search-row' }, el('label', { for: 'q' }, t('senders_filter') + ' '), input,
        el('button', { type: 'submit' }, t('search_button'))));
    form.addEventListener('submit', (ev) => { ev.preventDefault(); go(pageUrl('/senders', { q: input.value.trim(), sort })); });
    const box = el('div', { 'aria-busy': 'true' }, el('p', { class: 'loading' }, t('loading')));
    main.append(el('h1', {}, t('senders_title')), form, box);
    allSenders(q, live)
      .then((r) => { if (live()) drawSenders(box, r, q, sort); })
      .catch((e) => { if (live()) fill(box, errorBox(e)); })
      .finally(() => box.removeAttribute('aria-busy'));
  }

  function drawSenders(box, r, q, sort) {
    const rows = r.rows.map((p, i) => Object.assign({ order: i }, p));
    rows.sort((a, b) => SENDER_SORTS[sort](a, b) || a.order - b.order);
    const columns = [['address', 'senders_address', 'address'], ['names', 'senders_names', null], ['messages', 'senders_messages', 'count'],
      ['verified', 'senders_verified', 'verified'], ['first', 'senders_first', 'first'], ['last', 'senders_last', 'last']];
    const head = el('tr', {}, columns.map(([, key, s]) => el('th', { scope: 'col', class: s === 'count' || s === 'verified' ? 'num' : null, 'aria-sort': s && s === sort ? (s === 'address' || s === 'first' ? 'ascending' : 'descending') : null },
      s ? link(pageUrl('/senders', { q, sort: s }), { class: 'sort' + (s === sort ? ' active' : ''), title: t('senders_sort_by', { column: t(key) }), 'data-sort': s }, t(key)) : t(key))));
    const body = el('tbody', {});
    for (const p of rows) {
      const address = String(p.address || '');
      body.append(el('tr', {},
        el('td', {}, link(pageUrl('/', { q: senderQuery(address) }), { class: 'sender', title: t('senders_search', { address }) }, address)),
        el('td', {}, (p.names || []).map(String).join('; ')),
        el('td', { class: 'num' }, num(Number(p.messages) || 0)),
        el('td', { class: 'num' }, num(Number(p.verified) || 0)),
        el('td', {}, p.first ? wallClock(p.first, false) : t('undated')),
        el('td', {}, p.last ? wallClock(p.last, false) : t('undated'))));
    }
    fill(box, el('p', { class: 'hit-count', id: 'hit-count', 'data-total': String(r.total) }, tn('senders_count', r.total)),
      el('div', { class: 'table-scroll' }, el('table', { class: 'senders', id: 'senders' }, el('thead', {}, head), body)));
  }

  // ---- archive page --------------------------------------------------------------------

  function pageArchive(main, params, live) {
    const q = (params.get('q') || '').trim();
    setTitle(q, t('archive_title'));
    const box = el('div', { 'aria-busy': 'true' }, el('p', { class: 'loading' }, t('loading')));
    main.append(el('h1', {}, t('archive_title') + (q ? ': ' + q : '')), box);
    Promise.all([api('/api/stats', { q }), api('/api/facets', { q }), api('/api/info').catch(() => null)])
      .then(([stats, facets, info]) => { if (live()) drawArchive(box, stats, facets, info, q); })
      .catch((e) => { if (live()) fill(box, errorBox(e)); })
      .finally(() => box.removeAttribute('aria-busy'));
  }

  function countTable(headers, rows) {
    return el('table', { class: 'counts' },
      el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows.map(([label, count]) => el('tr', {}, el('td', {}, label), el('td', { class: 'num' }, num(Number(count) || 0))))));
  }

  function drawArchive(box, s, f, info, q) {
    const state = searchState(new URLSearchParams(q ? 'q=' + encodeURIComponent(q) : ''));
    const searchFor = (term, label) => link(searchUrl(state, { q: withTerm(q, term) }), {}, label);
    const messages = Number(s.messages) || 0;
    const summary = el('p', { class: 'summary', id: 'archive-summary' }, tn('archive_summary', messages, {
      messages: num(messages), senders: num(Number(s.unique_senders) || 0), verified: num(Number(s.verified) || 0), pass: num(Number(s.dkim_pass) || 0) }));
    const verdictRows = (f.verdicts || []).map((v) => [searchFor(String(v.query), verdictLabel(v.key)), v.count]);
    const years = Object.entries(s.years || {}).map(([y, n]) => [searchFor('year:' + y.replace(/[^0-9]/g, ''), y), n]);
    if (s.undated) years.push([t('undated'), s.undated]);
    const domains = (s.top_domains || []).map((d) => [searchFor('domain:' + String(d.domain), String(d.domain)), d.messages]);
    fill(box, summary,
      el('p', {}, t('archive_chain', { c: num(Number(s.corroborated) || 0), m: num(Number(s.chain_mismatches) || 0) })),
      section(t('archive_months'), histogram(f.months, state, 120) || el('p', {}, t('facet_none')),
        f.undated ? el('p', { class: 'hint' }, t('undated_count', { n: num(f.undated) })) : null),
      el('div', { class: 'archive-columns' },
        section(t('archive_verdicts'), countTable([t('archive_verdict'), t('archive_messages')], verdictRows)),
        section(t('archive_years'), countTable([t('archive_year'), t('archive_messages')], years)),
        section(t('archive_domains'), countTable([t('archive_domain'), t('archive_messages')], domains))),
      section(t('archive_attachments'), el('p', {}, t('archive_attachments_text', {
        n: num(Number(s.attachments) || 0), t: num(Number(s.attachments_with_text) || 0) }))),
      info ? indexBlock(info) : null);
  }

  function indexBlock(info) {
    const dbs = Array.isArray(info.databases) ? info.databases : [];
    return section(t('archive_index'),
      el('ul', {}, dbs.map((d) => el('li', {}, t('archive_db', { path: String(d.path || ''), n: num(Number(d.documents) || 0),
        created: wallClock(d.created, true) || String(d.created || ''), updated: wallClock(d.updated, true) || String(d.updated || '') })))),
      info.leakdex ? el('p', { class: 'hint' }, t('archive_version', { v: String(info.leakdex) })) : null);
  }

  // ---- keyboard and start -------------------------------------------------------------

  document.addEventListener('keydown', (ev) => {
    if (ev.key !== '/' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const tgt = ev.target;
    if (tgt && (tgt.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(tgt.tagName))) return;
    const box = document.getElementById('q');
    ev.preventDefault();
    if (box) {
      box.focus();
      box.select();
    } else {
      go(pageUrl('/'));
      const again = document.getElementById('q');
      if (again) again.focus();
    }
  });

  window.addEventListener('popstate', render);
  render();
})();
