#!/usr/bin/env node
'use strict';

/*
 * Telegram Bot API emulator for cyberbrief's end-to-end tests.
 *
 * Wraps the npm package `telegram-test-api` (pinned in package-lock.json) without editing
 * node_modules: the library's Express app (query/JSON/urlencoded body parsing, request logging)
 * is reused, and its stock routes are replaced because each of them is wrong for
 * python-telegram-bot 22 (see /work/shared/notes/telegram-emulator.md, faults 1-14).
 *
 * Usage:  node launcher.js [--port N] [--verbose] [--exit-on-stdin-close]
 * Prints one line `LISTENING <port>` on stdout once it accepts connections (port 0 by default:
 * the OS picks a free port). Always binds 127.0.0.1.
 *
 * Bot API:  GET|POST /bot<token>/<method>   (ApplicationBuilder().base_url(f"{root}/bot"))
 *   Every token is a separate bot; bot id = the number before ':'.
 *
 * Client API (POST, JSON body, answers {ok, result} or 400 {ok: false, description}):
 *   /sendMessage     {botToken, chat, from, text, entities?, replyToMessageId?, messageThreadId?}
 *   /sendCommand     as /sendMessage; text starts with '/', bot_command entity added if missing
 *   /sendCallback    {botToken, chatId, messageId, data, from}   press an inline button
 *   /sendUpdate      {botToken, update}   raw update (edited_message, my_chat_member, channel_post...)
 *   /setChat         {botToken, chat}     register chat details (title, is_forum, username...)
 *   /setChatMember   {botToken, chatId, userId, status, user?, fields?}
 *   /setPrivacyMode  {botToken, enabled}  group privacy mode, on by default like Telegram
 *   /failNext        {botToken, method?, chatId?, errorCode?, description?, retryAfter?, count?,
 *                    parameters?}   next `count` calls of method (default sendMessage) fail
 *   /getBotMessages  {botToken, chatId?, afterSeq?, minCount?, timeout?}   long-polls up to timeout s
 *   /getBotMessage   {botToken, chatId, messageId, minEditCount?, timeout?}
 *   /getCalls        {botToken, method?, afterSeq?, minCount?, timeout?}    Bot API call log
 *   /getPendingUpdates {botToken}        updates not yet confirmed by the bot's getUpdates offset
 *   GET /health
 *
 * Behaviour worth knowing (mirrors Telegram unless noted):
 *   - getUpdates long-polls (timeout), confirms updates below offset, answers 409 to an older
 *     concurrent poll; without allowed_updates, chat_member/message_reaction* updates are dropped.
 *   - Group privacy mode is on: group messages reach the bot only if they are commands (without
 *     @suffix or @TestNameBot), replies to the bot, or the bot is admin. /sendUpdate bypasses it.
 *   - editMessageText without reply_markup removes the inline keyboard; an edit that changes
 *     nothing answers 400 "message is not modified"; callback_data over 64 bytes is refused.
 *   - HTML text is returned to the bot as plain text + entities (best effort, lenient); the stored
 *     record keeps the raw text. Validity and length are NOT checked here (Python harness does).
 *   - Unknown chat ids are accepted (positive: private, <= -10^12: supergroup, else group).
 *   - Stored state lives until the process exits (no purge); use a fresh token per test.
 */

const assert = require('assert');
const http = require('http');
const EventEmitter = require('events');
const TelegramServer = require('telegram-test-api');

const HOST = '127.0.0.1';
const BOT_USERNAME = process.env.EMULATOR_BOT_USERNAME || 'TestNameBot';
const BOT_FIRST_NAME = 'Test Name Bot';
const MAX_WAIT_SECONDS = 60;
const TOKEN_RE = /^(\d{1,15}):([A-Za-z0-9_-]{1,100})$/;

const args = process.argv.slice(2);
const argValue = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 && index + 1 < args.length ? args[index + 1] : fallback;
};
const PORT = Number(argValue('--port', '0'));
const VERBOSE = args.includes('--verbose');
const EXIT_ON_STDIN_CLOSE = args.includes('--exit-on-stdin-close');

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const now = () => Math.floor(Date.now() / 1000); // Telegram dates are Unix seconds (fault 2)
const clone = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
const log = (...parts) => process.stderr.write(`[emulator] ${parts.join(' ')}\n`);
const changes = new EventEmitter(); // 'change' after every state mutation wakes long polls
changes.setMaxListeners(0);
const changed = () => changes.emit('change');

class ApiError extends Error {
  constructor(code, description, parameters) {
    super(description);
    this.code = code;
    this.parameters = parameters;
  }
}
const badRequest = (description) => new ApiError(400, `Bad Request: ${description}`);

const DEFAULT_DESCRIPTIONS = {
  400: 'Bad Request: chat not found',
  401: 'Unauthorized',
  403: 'Forbidden: bot was blocked by the user',
  404: 'Not Found',
  409: 'Conflict: terminated by other getUpdates request',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};

function sendOk(res, result) {
  if (!res.headersSent && !res.writableEnded) res.status(200).json({ ok: true, result });
}

function sendError(res, error) {
  if (res.headersSent || res.writableEnded) return;
  const body = { ok: false, error_code: error.code, description: error.message };
  if (error.parameters) body.parameters = error.parameters;
  res.status(error.code).json(body);
}

function isInt(value) {
  return Number.isSafeInteger(value);
}

function toInt(value, name) {
  if (typeof value === 'number' && isInt(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,16}$/.test(value.trim())) return Number(value.trim());
  throw badRequest(`field "${name}" must be an integer`);
}

// ---------------------------------------------------------------------------------------------
// Bot API parameters: PTB sends form fields whose non-string values are JSON-encoded (fault 8)
// ---------------------------------------------------------------------------------------------

const JSON_PARAMS = new Set([
  'reply_markup', 'entities', 'caption_entities', 'reply_parameters', 'link_preview_options',
  'commands', 'scope', 'menu_button', 'allowed_updates', 'results', 'media', 'permissions',
  'message_ids', 'rights', 'reaction', 'options', 'question_entities', 'explanation_entities',
  'input_message_content', 'button', 'prices', 'suggested_post_parameters',
]);
const INT_PARAMS = new Set([
  'message_id', 'user_id', 'offset', 'limit', 'timeout', 'message_thread_id',
  'reply_to_message_id', 'cache_time', 'until_date', 'from_chat_id', 'direct_messages_topic_id',
]);
const BOOL_PARAMS = new Set([
  'disable_notification', 'protect_content', 'show_alert', 'disable_web_page_preview',
  'allow_sending_without_reply', 'drop_pending_updates', 'only_if_banned', 'revoke_messages',
  'is_anonymous', 'allow_paid_broadcast', 'for_channels', 'is_personal',
]);

function decodeParams(raw) {
  const params = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === null) continue;
    if (JSON_PARAMS.has(key) && typeof value === 'string') {
      try {
        params[key] = JSON.parse(value);
      } catch (_err) {
        throw badRequest(`can't parse ${key} JSON object`);
      }
    } else if (INT_PARAMS.has(key)) {
      params[key] = toInt(value, key);
    } else if (key === 'chat_id' && typeof value === 'string' && /^-?\d{1,16}$/.test(value)) {
      params[key] = Number(value); // '@channelusername' stays a string
    } else if (BOOL_PARAMS.has(key)) {
      if (value === true || value === 'true' || value === '1' || value === 1) params[key] = true;
      else if (value === false || value === 'false' || value === '0' || value === 0) params[key] = false;
      else throw badRequest(`field "${key}" must be a Boolean`);
    } else {
      params[key] = value;
    }
  }
  return params;
}

// ---------------------------------------------------------------------------------------------
// State: one record per bot token (a fresh token per test keeps tests apart)
// ---------------------------------------------------------------------------------------------

const DEFAULT_ALLOWED_UPDATES = null; // null = all but chat_member/message_reaction*, like Telegram
const OPT_IN_UPDATES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
const MESSAGE_UPDATE_FIELDS = [
  'message', 'edited_message', 'channel_post', 'edited_channel_post',
  'business_message', 'edited_business_message',
];

let nextMessageId = 1; // global, so (chat_id, message_id) never collides across tests
let nextSeq = 1;
let nextCallbackId = 1;
const bots = new Map();

function botFor(token) {
  let bot = bots.get(token);
  if (!bot) {
    const id = Number(TOKEN_RE.exec(token)[1]);
    bot = {
      token,
      id,
      privacy: true,
      nextUpdateId: 1,
      pending: [], // updates not yet confirmed by an offset
      allowedUpdates: DEFAULT_ALLOWED_UPDATES,
      poller: null, // the waiting getUpdates request, if any
      botMessages: [], // records of messages sent by the bot (client-visible)
      userMessages: new Map(), // `${chatId}:${messageId}` -> Message sent by users
      chats: new Map(),
      users: new Map(),
      members: new Map(), // `${chatId}:${userId}` -> {status, fields}
      failures: [],
      calls: [],
      callbacks: new Map(), // callback_query_id -> {answered, answer}
      commands: new Map(),
    };
    bots.set(token, bot);
  }
  return bot;
}

function botUser(bot) {
  return {
    id: bot.id,
    is_bot: true,
    first_name: BOT_FIRST_NAME,
    username: BOT_USERNAME,
    can_join_groups: true,
    can_read_all_group_messages: !bot.privacy,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  };
}

function defaultChat(chatId) {
  if (chatId > 0) return { id: chatId, type: 'private', first_name: `User${chatId}` };
  const type = chatId <= -1000000000000 ? 'supergroup' : 'group';
  return { id: chatId, type, title: `Group ${chatId}` };
}

function rememberChat(bot, chat) {
  if (!chat || !isInt(chat.id)) return;
  const known = bot.chats.get(chat.id) || {};
  bot.chats.set(chat.id, { ...known, ...clone(chat) });
}

// Users in injected updates: is_bot defaults to whether the id is this bot's.
function normalizeUser(bot, user) {
  return user && typeof user === 'object' ? { is_bot: user.id === bot.id, ...user } : user;
}

function rememberUser(bot, user) {
  if (!user || !isInt(user.id)) return;
  const known = bot.users.get(user.id) || { is_bot: user.id === bot.id };
  bot.users.set(user.id, { ...known, ...clone(user) });
}

function chatFor(bot, chatId) {
  return clone(bot.chats.get(chatId)) || defaultChat(chatId);
}

function userFor(bot, userId) {
  if (userId === bot.id) {
    return { id: bot.id, is_bot: true, first_name: BOT_FIRST_NAME, username: BOT_USERNAME };
  }
  return clone(bot.users.get(userId)) || { id: userId, is_bot: false, first_name: `User${userId}` };
}

function resolveChatId(bot, value) {
  if (value === undefined || value === null || value === '') throw badRequest('chat_id is empty');
  if (typeof value === 'string' && value.startsWith('@')) {
    const wanted = value.slice(1).toLowerCase();
    for (const chat of bot.chats.values()) {
      if (chat.username && chat.username.toLowerCase() === wanted) return chat.id;
    }
    throw badRequest('chat not found');
  }
  try {
    return toInt(value, 'chat_id');
  } catch (_err) {
    throw badRequest('chat not found');
  }
}

function findBotRecord(bot, chatId, messageId) {
  return bot.botMessages.find((r) => r.chat_id === chatId && r.message_id === messageId && !r.deleted);
}

// Client-visible form of a stored bot message: numeric ids and every request parameter (fault 14).
const RECORD_FIELDS = [
  'text', 'parse_mode', 'entities', 'reply_markup', 'reply_parameters', 'message_thread_id',
  'link_preview_options', 'disable_notification', 'protect_content',
];
function recordView(record) {
  const view = { ...clone(record), plain_text: renderText(record).text };
  for (const field of RECORD_FIELDS) if (view[field] === undefined) view[field] = null;
  return view;
}

// Best-effort Telegram HTML -> (plain text, entities), so Messages look like Telegram's. Lenient:
// anything malformed stays literal; validity is the Python harness's job (fault 13).
const HTML_ENTITY_TYPES = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', u: 'underline', ins: 'underline',
  s: 'strikethrough', strike: 'strikethrough', del: 'strikethrough', 'tg-spoiler': 'spoiler',
  span: 'spoiler', a: 'text_link', code: 'code', pre: 'pre', blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};
const ATTR_SOURCE = '[a-zA-Z][a-zA-Z0-9-]*(?:\\s*=\\s*(?:"[^"]*"|\'[^\']*\'|[^\\s"\'=<>`]+))?';
const TAG_RE = new RegExp(`<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\\s+${ATTR_SOURCE})*)\\s*>`, 'y');
const ATTR_RE = /([a-zA-Z][a-zA-Z0-9-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?/g;
const CHAR_ENTITY_RE = /&(lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});/y;
const NAMED_CHARS = { lt: '<', gt: '>', amp: '&', quot: '"' };

function decodeCharEntity(name) {
  if (name in NAMED_CHARS) return NAMED_CHARS[name];
  const code = /^#[xX]/.test(name) ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
  try {
    return String.fromCodePoint(code);
  } catch (_err) {
    return `&${name};`;
  }
}

function parseHtml(source) {
  let text = '';
  const open = [];
  const entities = [];
  let pos = 0;
  while (pos < source.length) {
    const char = source[pos];
    if (char === '<') {
      TAG_RE.lastIndex = pos;
      const match = TAG_RE.exec(source);
      const tag = match && match[2].toLowerCase();
      if (match && tag in HTML_ENTITY_TYPES) {
        if (match[1]) {
          const index = open.map((o) => o.tag).lastIndexOf(tag);
          if (index >= 0) {
            const [item] = open.splice(index, 1);
            const length = text.length - item.offset;
            if (length > 0) entities.push({ ...item.entity, offset: item.offset, length });
          }
        } else {
          const attrs = {};
          for (const [, name, value] of match[3].matchAll(ATTR_RE)) {
            const unquoted = (value || '').replace(/^"([^"]*)"$|^'([^']*)'$/, '$1$2');
            attrs[name.toLowerCase()] = unquoted.replace(/&(lt|gt|amp|quot);/g, (_m, n) => NAMED_CHARS[n]);
          }
          const entity = { type: HTML_ENTITY_TYPES[tag] };
          if (tag === 'a') {
            const userLink = /^tg:\/\/user\?id=(\d+)$/.exec(attrs.href || '');
            if (userLink) {
              entity.type = 'text_mention';
              entity.user = { id: Number(userLink[1]), is_bot: false, first_name: `User${userLink[1]}` };
            } else {
              entity.url = attrs.href || '';
            }
          } else if (tag === 'code' && open.length && open[open.length - 1].tag === 'pre' && attrs.class) {
            open[open.length - 1].entity.language = attrs.class.replace(/^language-/, '');
            open.push({ tag, offset: text.length, entity: { type: 'ignored' } });
            pos = TAG_RE.lastIndex;
            continue;
          } else if (tag === 'blockquote' && 'expandable' in attrs) {
            entity.type = 'expandable_blockquote';
          } else if (tag === 'tg-emoji') {
            entity.custom_emoji_id = attrs['emoji-id'] || '';
          }
          open.push({ tag, offset: text.length, entity });
        }
        pos = TAG_RE.lastIndex;
        continue;
      }
    } else if (char === '&') {
      CHAR_ENTITY_RE.lastIndex = pos;
      const match = CHAR_ENTITY_RE.exec(source);
      if (match) {
        text += decodeCharEntity(match[1]);
        pos = CHAR_ENTITY_RE.lastIndex;
        continue;
      }
    }
    text += char;
    pos += 1;
  }
  const kept = entities.filter((e) => e.type !== 'ignored');
  kept.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities: kept };
}

// Text and entities of a stored bot message as Telegram would return them.
function renderText(record) {
  if (record.parse_mode === 'HTML' && typeof record.text === 'string') return parseHtml(record.text);
  return { text: record.text, entities: record.entities || [] };
}

// Telegram Message for a stored bot message.
function messageFromRecord(bot, record, { withReply = true } = {}) {
  const message = {
    message_id: record.message_id,
    from: userFor(bot, bot.id),
    chat: chatFor(bot, record.chat_id),
    date: record.date,
  };
  const rendered = renderText(record);
  message.text = rendered.text;
  if (rendered.entities.length) message.entities = rendered.entities;
  if (record.message_thread_id !== undefined) {
    message.message_thread_id = record.message_thread_id;
    if (message.chat.is_forum) message.is_topic_message = true;
  }
  if (record.link_preview_options) message.link_preview_options = clone(record.link_preview_options);
  if (record.reply_markup && Array.isArray(record.reply_markup.inline_keyboard)) {
    message.reply_markup = clone(record.reply_markup);
  }
  if (record.edit_date) message.edit_date = record.edit_date;
  if (record.protect_content) message.has_protected_content = true;
  if (withReply && record.reply_to !== undefined) {
    const target = findAnyMessage(bot, record.reply_to.chat_id, record.reply_to.message_id, false);
    if (target) message.reply_to_message = target;
  }
  return message;
}

// Any message (bot's or user's) in a chat, as a Telegram Message, or undefined.
function findAnyMessage(bot, chatId, messageId, withReply = false) {
  const record = findBotRecord(bot, chatId, messageId);
  if (record) return messageFromRecord(bot, record, { withReply });
  const userMessage = bot.userMessages.get(`${chatId}:${messageId}`);
  if (!userMessage) return undefined;
  const copy = clone(userMessage);
  if (!withReply) delete copy.reply_to_message;
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Updates and long polling (fault 7)
// ---------------------------------------------------------------------------------------------

function updateType(update) {
  return Object.keys(update).find((key) => key !== 'update_id');
}

function isAllowed(bot, update) {
  const type = updateType(update);
  if (bot.allowedUpdates === null) return !OPT_IN_UPDATES.has(type);
  return bot.allowedUpdates.includes(type);
}

function enqueue(bot, body) {
  const update = { update_id: bot.nextUpdateId++, ...body };
  bot.pending.push(update);
  changed();
  return update;
}

function getUpdates(bot, params, res) {
  const offset = params.offset || 0;
  const limit = Math.min(Math.max(params.limit || 100, 1), 100);
  const timeout = Math.min(Math.max(params.timeout || 0, 0), MAX_WAIT_SECONDS);
  if (Array.isArray(params.allowed_updates)) {
    bot.allowedUpdates = params.allowed_updates.length ? params.allowed_updates.map(String) : null;
  }
  if (offset > 0) bot.pending = bot.pending.filter((u) => u.update_id >= offset); // confirm
  else if (offset < 0) bot.pending = bot.pending.slice(offset);
  if (bot.poller) bot.poller(new ApiError(409, DEFAULT_DESCRIPTIONS[409])); // like Telegram

  const select = () => {
    bot.pending = bot.pending.filter((u) => isAllowed(bot, u)); // not-allowed updates are dropped
    return bot.pending.slice(0, limit);
  };
  if (select().length || timeout === 0) {
    sendOk(res, clone(select()));
    return;
  }
  let done = false;
  const finish = (error) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    changes.off('change', onChange);
    if (bot.poller === finish) bot.poller = null;
    if (error) sendError(res, error);
    else sendOk(res, clone(select()));
  };
  const onChange = () => {
    if (bot.pending.some((u) => isAllowed(bot, u))) finish();
  };
  const timer = setTimeout(() => finish(), timeout * 1000);
  changes.on('change', onChange);
  res.on('close', () => finish()); // client gave up (PTB cancels its poll on stop)
  bot.poller = finish;
}

// Wait until ready() or timeout, then answer with produce(); abandons quietly if the client leaves.
function waitAndAnswer(res, ready, timeoutSeconds, produce) {
  const timeout = Math.min(Math.max(Number(timeoutSeconds) || 0, 0), MAX_WAIT_SECONDS);
  if (timeout === 0 || ready()) {
    sendOk(res, produce());
    return;
  }
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    changes.off('change', onChange);
    sendOk(res, produce());
  };
  const onChange = () => {
    if (ready()) finish();
  };
  const timer = setTimeout(finish, timeout * 1000);
  changes.on('change', onChange);
  res.on('close', () => {
    done = true;
    clearTimeout(timer);
    changes.off('change', onChange);
  });
}

// ---------------------------------------------------------------------------------------------
// Validation of bot-sent content (what real Telegram refuses, cheaply checkable)
// ---------------------------------------------------------------------------------------------

const PARSE_MODES = new Set(['HTML', 'MarkdownV2', 'Markdown']);

function validateReplyMarkup(markup) {
  if (markup === undefined) return;
  if (typeof markup !== 'object' || markup === null || Array.isArray(markup)) {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  if ('inline_keyboard' in markup) {
    const rows = markup.inline_keyboard;
    if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
      throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
    }
    for (const button of rows.flat()) {
      if (!button || typeof button.text !== 'string' || button.text === '') {
        throw badRequest('inline keyboard button text must be non-empty');
      }
      if ('callback_data' in button) {
        const size = Buffer.byteLength(String(button.callback_data), 'utf8');
        if (size < 1 || size > 64) throw badRequest('BUTTON_DATA_INVALID');
      } else if ('url' in button) {
        if (!/^(https?|tg):\/\/\S+$/.test(String(button.url))) {
          throw badRequest(`inline keyboard button URL '${button.url}' is invalid`);
        }
      } else if (!Object.keys(button).some((k) => k !== 'text')) {
        throw badRequest('inline keyboard button must have exactly one optional field');
      }
    }
  }
}

function validateText(text, parseMode) {
  if (typeof text !== 'string' || text.trim() === '') throw badRequest('message text is empty');
  if (parseMode !== undefined && parseMode !== '' && !PARSE_MODES.has(parseMode)) {
    throw badRequest(`unsupported parse_mode "${parseMode}"`);
  }
  // HTML validity and the 4096-character limit are checked by the Python harness (fault 13).
}

// ---------------------------------------------------------------------------------------------
// Chat members (getChatMember / getChatAdministrators, fault 12)
// ---------------------------------------------------------------------------------------------

const MEMBER_STATUSES = new Set(['creator', 'administrator', 'member', 'restricted', 'left', 'kicked']);

function memberObject(bot, chatId, userId) {
  const entry = bot.members.get(`${chatId}:${userId}`) || { status: 'member', fields: {} };
  const user = userFor(bot, userId);
  const base = { status: entry.status, user };
  const rights = {
    can_be_edited: false, is_anonymous: false, can_manage_chat: true, can_delete_messages: true,
    can_manage_video_chats: true, can_restrict_members: true, can_promote_members: false,
    can_change_info: true, can_invite_users: true, can_post_stories: false,
    can_edit_stories: false, can_delete_stories: false, can_pin_messages: true,
  };
  const restrictions = {
    is_member: true, can_send_messages: false, can_send_audios: false, can_send_documents: false,
    can_send_photos: false, can_send_videos: false, can_send_video_notes: false,
    can_send_voice_notes: false, can_send_polls: false, can_send_other_messages: false,
    can_add_web_page_previews: false, can_change_info: false, can_invite_users: false,
    can_pin_messages: false, can_manage_topics: false, can_edit_tag: false, until_date: 0,
  };
  const extra = {
    creator: { is_anonymous: false },
    administrator: rights,
    member: {},
    restricted: restrictions,
    left: {},
    kicked: { until_date: 0 },
  }[entry.status];
  return { ...base, ...extra, ...clone(entry.fields) };
}

// ---------------------------------------------------------------------------------------------
// Bot API methods
// ---------------------------------------------------------------------------------------------

// Unknown-but-harmless methods answer true (fault 5); everything else unknown answers 400.
const HARMLESS_METHODS = [
  'setChatMenuButton', 'deleteWebhook', 'setWebhook', 'close', 'logOut', 'setMyDescription',
  'setMyShortDescription', 'setMyName', 'setMyDefaultAdministratorRights', 'leaveChat',
  'setMessageReaction', 'pinChatMessage', 'unpinChatMessage', 'unpinAllChatMessages',
  'unpinAllForumTopicMessages', 'unpinAllGeneralForumTopicMessages',
];

const CHAT_ACTIONS = new Set([
  'typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice',
  'upload_document', 'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note',
]);

function commandsKey(params) {
  return `${JSON.stringify(params.scope || { type: 'default' })}|${params.language_code || ''}`;
}

function storeBotMessage(bot, chatId, params) {
  const replyParameters = params.reply_parameters
    || (params.reply_to_message_id !== undefined ? { message_id: params.reply_to_message_id } : undefined);
  let replyTo;
  if (replyParameters !== undefined) {
    if (typeof replyParameters !== 'object' || !isInt(replyParameters.message_id)) {
      throw badRequest('invalid reply parameters specified');
    }
    const replyChat = replyParameters.chat_id !== undefined
      ? resolveChatId(bot, replyParameters.chat_id) : chatId;
    if (findAnyMessage(bot, replyChat, replyParameters.message_id)) {
      replyTo = { chat_id: replyChat, message_id: replyParameters.message_id };
    } else if (!(replyParameters.allow_sending_without_reply || params.allow_sending_without_reply)) {
      throw badRequest('message to be replied not found');
    }
  }
  const record = {
    seq: nextSeq++,
    method: 'sendMessage',
    message_id: nextMessageId++,
    chat_id: chatId,
    date: now(),
    text: params.text,
    parse_mode: params.parse_mode,
    entities: params.entities,
    reply_markup: params.reply_markup,
    reply_parameters: replyParameters,
    reply_to: replyTo,
    message_thread_id: params.message_thread_id,
    link_preview_options: params.link_preview_options
      || (params.disable_web_page_preview !== undefined
        ? { is_disabled: params.disable_web_page_preview } : undefined),
    disable_notification: params.disable_notification,
    protect_content: params.protect_content,
    edit_count: 0,
    edit_date: null,
    deleted: false,
    history: [],
    params: clone(params),
  };
  bot.botMessages.push(record);
  changed();
  return record;
}

function editRecord(bot, params, { text }) {
  if (params.inline_message_id !== undefined) {
    throw badRequest('inline messages are not supported by the emulator');
  }
  const chatId = resolveChatId(bot, params.chat_id);
  if (!isInt(params.message_id)) throw badRequest('message identifier is not specified');
  const record = findBotRecord(bot, chatId, params.message_id);
  if (!record) {
    if (bot.userMessages.has(`${chatId}:${params.message_id}`)) throw badRequest("message can't be edited");
    throw badRequest('message to edit not found');
  }
  validateReplyMarkup(params.reply_markup);
  // Like Telegram, omitting reply_markup in an edit removes the inline keyboard.
  const next = {
    text: text ? params.text : record.text,
    parse_mode: text ? params.parse_mode : record.parse_mode,
    entities: text ? params.entities : record.entities,
    link_preview_options: text ? params.link_preview_options : record.link_preview_options,
    reply_markup: params.reply_markup,
  };
  if (text) validateText(next.text, next.parse_mode);
  const same = (a, b) => JSON.stringify(a === undefined ? null : a) === JSON.stringify(b === undefined ? null : b);
  if (same(next.text, record.text) && same(next.entities, record.entities)
      && same(next.reply_markup, record.reply_markup)) {
    throw badRequest('message is not modified: specified new message content and reply markup are '
      + 'exactly the same as a current content and reply markup of the message');
  }
  record.history.push({
    text: record.text, parse_mode: record.parse_mode, entities: record.entities,
    reply_markup: record.reply_markup, edit_date: record.edit_date,
  });
  Object.assign(record, next, { edit_count: record.edit_count + 1, edit_date: now(), seq_edit: nextSeq++ });
  record.params_last_edit = clone(params);
  changed();
  return messageFromRecord(bot, record);
}

const METHODS = {
  getMe: (bot) => botUser(bot), // full User, id from the token (fault 1)

  getUpdates: null, // handled specially (long polling)

  sendMessage: (bot, params) => {
    const chatId = resolveChatId(bot, params.chat_id);
    validateText(params.text, params.parse_mode);
    validateReplyMarkup(params.reply_markup);
    const record = storeBotMessage(bot, chatId, params);
    return messageFromRecord(bot, record); // numeric ids, date in seconds
  },

  editMessageText: (bot, params) => editRecord(bot, params, { text: true }), // fault 6
  editMessageReplyMarkup: (bot, params) => editRecord(bot, params, { text: false }),

  deleteMessage: (bot, params) => {
    const chatId = resolveChatId(bot, params.chat_id);
    if (!isInt(params.message_id)) throw badRequest('message identifier is not specified');
    const record = findBotRecord(bot, chatId, params.message_id);
    if (record) record.deleted = true;
    else if (!bot.userMessages.delete(`${chatId}:${params.message_id}`)) {
      throw badRequest('message to delete not found');
    }
    changed();
    return true;
  },

  deleteMessages: (bot, params) => {
    const chatId = resolveChatId(bot, params.chat_id);
    if (!Array.isArray(params.message_ids)) throw badRequest('message_ids must be an array');
    for (const messageId of params.message_ids) {
      const record = findBotRecord(bot, chatId, messageId);
      if (record) record.deleted = true;
      else bot.userMessages.delete(`${chatId}:${messageId}`);
    }
    changed();
    return true;
  },

  answerCallbackQuery: (bot, params) => {
    const query = bot.callbacks.get(String(params.callback_query_id));
    if (!query || query.answered) {
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    if (params.text !== undefined && String(params.text).length > 200) throw badRequest('MESSAGE_TOO_LONG');
    query.answered = true;
    query.answer = clone(params);
    changed();
    return true;
  },

  sendChatAction: (bot, params) => {
    resolveChatId(bot, params.chat_id);
    if (!CHAT_ACTIONS.has(params.action)) throw badRequest('wrong parameter action in request');
    return true;
  },

  setMyCommands: (bot, params) => {
    const { commands } = params;
    if (!Array.isArray(commands)) throw badRequest('commands must be an array');
    if (commands.length > 100) throw badRequest('too many commands');
    for (const command of commands) {
      if (!command || !/^[a-z0-9_]{1,32}$/.test(String(command.command))) throw badRequest('BOT_COMMAND_INVALID');
      const description = String(command.description || '');
      if (description.length < 1 || description.length > 256) {
        throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      }
    }
    bot.commands.set(commandsKey(params), clone(commands));
    return true;
  },
  getMyCommands: (bot, params) => clone(bot.commands.get(commandsKey(params)) || []),
  deleteMyCommands: (bot, params) => {
    bot.commands.delete(commandsKey(params));
    return true;
  },
  getChatMenuButton: () => ({ type: 'commands' }),
  getMyName: () => ({ name: BOT_FIRST_NAME }),
  getMyDescription: () => ({ description: '' }),
  getMyShortDescription: () => ({ short_description: '' }),
  getWebhookInfo: (bot) => ({ url: '', has_custom_certificate: false, pending_update_count: bot.pending.length }),

  getChat: (bot, params) => {
    const chat = chatFor(bot, resolveChatId(bot, params.chat_id));
    return {
      ...chat,
      accent_color_id: 0,
      max_reaction_count: 11,
      accepted_gift_types: {
        unlimited_gifts: false, limited_gifts: false, unique_gifts: false,
        premium_subscription: false, gifts_from_channels: false,
      },
    };
  },

  getChatMember: (bot, params) => {
    const chatId = resolveChatId(bot, params.chat_id);
    if (!isInt(params.user_id)) throw badRequest('invalid user_id specified');
    return memberObject(bot, chatId, params.user_id);
  },

  getChatAdministrators: (bot, params) => {
    const chatId = resolveChatId(bot, params.chat_id);
    if (chatFor(bot, chatId).type === 'private') {
      throw badRequest('there are no administrators in the private chat');
    }
    const admins = [];
    for (const [key, entry] of bot.members) {
      const [memberChat, memberUser] = key.split(':').map(Number);
      if (memberChat === chatId && (entry.status === 'creator' || entry.status === 'administrator')) {
        admins.push(memberObject(bot, chatId, memberUser));
      }
    }
    return admins;
  },

  getChatMemberCount: (bot, params) => {
    const chatId = resolveChatId(bot, params.chat_id);
    let count = 1;
    for (const [key, entry] of bot.members) {
      if (key.startsWith(`${chatId}:`) && !['left', 'kicked'].includes(entry.status)) count += 1;
    }
    return count;
  },
};
for (const name of HARMLESS_METHODS) METHODS[name] = () => true;
const METHODS_LOWER = new Map(Object.keys(METHODS).map((name) => [name.toLowerCase(), name]));

function takeFailure(bot, method, params) {
  let chatId = null;
  try {
    if (params.chat_id !== undefined) chatId = resolveChatId(bot, params.chat_id);
  } catch (_err) {
    chatId = null;
  }
  const index = bot.failures.findIndex((f) => f.method.toLowerCase() === method.toLowerCase()
    && (f.chatId === null || f.chatId === chatId));
  if (index < 0) return null;
  const failure = bot.failures[index];
  failure.remaining -= 1;
  if (failure.remaining <= 0) bot.failures.splice(index, 1);
  return new ApiError(failure.errorCode, failure.description, failure.parameters);
}

function handleBotApi(req, res) {
  const { token, method: rawMethod } = req.params;
  if (!TOKEN_RE.test(token)) {
    sendError(res, new ApiError(401, 'Unauthorized'));
    return;
  }
  const bot = botFor(token);
  const method = METHODS_LOWER.get(rawMethod.toLowerCase()) || rawMethod;
  let params;
  const call = { seq: 0, method, params: null, ok: false, time: Date.now() / 1000 };
  try {
    if (/^multipart\//i.test(req.headers['content-type'] || '')) {
      throw badRequest('multipart requests (media uploads) are not supported by the emulator');
    }
    params = decodeParams({ ...(req.query || {}), ...(req.body || {}) });
    call.params = params;
    if (method === 'getUpdates') {
      getUpdates(bot, params, res);
      return;
    }
    const failure = takeFailure(bot, method, params);
    if (failure) throw failure;
    const handler = METHODS[method];
    if (!handler) throw badRequest(`method "${rawMethod}" is not supported by the emulator`);
    const result = handler(bot, params);
    call.ok = true;
    call.result = clone(result);
    sendOk(res, result);
  } catch (error) {
    const apiError = error instanceof ApiError ? error : new ApiError(500, `Internal Server Error: ${error.message}`);
    if (!(error instanceof ApiError)) log(`error in ${method}:`, error.stack);
    call.error_code = apiError.code;
    call.description = apiError.message;
    sendError(res, apiError);
  } finally {
    if (method !== 'getUpdates') {
      call.seq = nextSeq++;
      bot.calls.push(call);
      changed();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Client API ("fake user" side), every request validated first (fault 9)
// ---------------------------------------------------------------------------------------------

class ClientError extends Error {}

function need(condition, message) {
  if (!condition) throw new ClientError(message);
}

function clientBot(body) {
  need(body && typeof body === 'object', 'JSON object body expected');
  need(typeof body.botToken === 'string' && TOKEN_RE.test(body.botToken),
    'botToken must look like "123456:ABC"');
  return botFor(body.botToken);
}

function clientInt(value, name, { optional = false } = {}) {
  if (optional && (value === undefined || value === null)) return undefined;
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  need(isInt(number), `${name} must be an integer`);
  return number;
}

function validateChat(chat) {
  need(chat && typeof chat === 'object', 'chat must be an object');
  need(isInt(chat.id) && chat.id !== 0, 'chat.id must be a non-zero integer');
  need(['private', 'group', 'supergroup', 'channel'].includes(chat.type),
    'chat.type must be private, group, supergroup or channel');
  need(chat.type === 'private' ? chat.id > 0 : chat.id < 0,
    'private chats have positive ids, groups and channels negative ids');
}

function validateUser(user) {
  need(user && typeof user === 'object', 'from must be an object');
  need(isInt(user.id) && user.id > 0, 'from.id must be a positive integer');
  need(typeof user.first_name === 'string' && user.first_name !== '', 'from.first_name is required');
}

function validateEntities(entities, text) {
  if (entities === undefined) return;
  need(Array.isArray(entities), 'entities must be an array');
  const length = text.length; // JS strings are UTF-16, like entity offsets
  for (const entity of entities) {
    need(entity && typeof entity.type === 'string', 'each entity needs a type');
    need(isInt(entity.offset) && isInt(entity.length) && entity.offset >= 0 && entity.length > 0
      && entity.offset + entity.length <= length, `entity out of range: ${JSON.stringify(entity)}`);
  }
}

function commandEntity(text) {
  const match = /^\/[^\s]+/.exec(text);
  return match ? [{ type: 'bot_command', offset: 0, length: match[0].length }] : undefined;
}

// Would Telegram deliver this group message to a bot in privacy mode?
function deliveredToBot(bot, message) {
  const { chat } = message;
  if (chat.type === 'private' || chat.type === 'channel' || !bot.privacy) return true;
  const me = bot.members.get(`${chat.id}:${bot.id}`);
  if (me && (me.status === 'administrator' || me.status === 'creator')) return true;
  const command = (message.entities || []).find((e) => e.type === 'bot_command' && e.offset === 0);
  if (command) {
    const [, mention] = message.text.slice(0, command.length).split('@');
    if (!mention || mention.toLowerCase() === BOT_USERNAME.toLowerCase()) return true;
  }
  const reply = message.reply_to_message;
  return Boolean(reply && reply.from && reply.from.id === bot.id);
}

function addUserMessage(bot, body, { command }) {
  validateChat(body.chat);
  validateUser(body.from);
  need(typeof body.text === 'string' && body.text !== '', 'text must be a non-empty string');
  let { entities } = body;
  if (command) {
    need(body.text.startsWith('/'), 'a command must start with "/"');
    if (entities === undefined) entities = commandEntity(body.text);
  }
  validateEntities(entities, body.text);
  rememberChat(bot, body.chat);
  rememberUser(bot, body.from);
  const chat = chatFor(bot, body.chat.id);
  const message = {
    message_id: nextMessageId++,
    from: { is_bot: false, ...clone(body.from) },
    chat,
    date: now(),
    text: body.text,
  };
  if (entities) message.entities = clone(entities);
  const threadId = clientInt(body.messageThreadId, 'messageThreadId', { optional: true });
  if (threadId !== undefined) {
    message.message_thread_id = threadId;
    if (chat.is_forum) message.is_topic_message = true;
  }
  const replyId = clientInt(body.replyToMessageId, 'replyToMessageId', { optional: true });
  if (replyId !== undefined) {
    const target = findAnyMessage(bot, chat.id, replyId);
    need(target, `replyToMessageId ${replyId} is not a message in chat ${chat.id}`);
    message.reply_to_message = target;
  }
  bot.userMessages.set(`${chat.id}:${message.message_id}`, message);
  const delivered = deliveredToBot(bot, message);
  const update = delivered ? enqueue(bot, { message: clone(message) }) : null;
  changed();
  return { update_id: update ? update.update_id : null, delivered, message };
}

function fillMessage(bot, message, { isNew }) {
  need(message && typeof message === 'object', 'message fields of an update must be objects');
  validateChat(message.chat);
  if (message.from !== undefined) validateUser(message.from);
  if (message.message_id === undefined) {
    need(isNew, 'edited messages need the message_id of the original message');
    message.message_id = nextMessageId++;
  }
  need(isInt(message.message_id), 'message_id must be an integer');
  if (message.date === undefined) message.date = now();
  if (!isNew && message.edit_date === undefined) message.edit_date = now();
  if (message.from) message.from = normalizeUser(bot, message.from);
  rememberChat(bot, message.chat);
  rememberUser(bot, message.from);
  if (isInt(message.reply_to_message)) { // shorthand: a message id in the same chat
    const target = findAnyMessage(bot, message.chat.id, message.reply_to_message);
    need(target, `reply_to_message ${message.reply_to_message} is not a message in chat ${message.chat.id}`);
    message.reply_to_message = target;
  }
  bot.userMessages.set(`${message.chat.id}:${message.message_id}`, clone(message));
}

function addRawUpdate(bot, body) {
  const update = body.update;
  need(update && typeof update === 'object' && !Array.isArray(update), 'update must be an object');
  const fields = Object.keys(update).filter((key) => key !== 'update_id');
  need(fields.length === 1, 'update must have exactly one field besides update_id');
  const [type] = fields;
  const payload = clone(update[type]);
  need(payload && typeof payload === 'object', `${type} must be an object`);
  if (MESSAGE_UPDATE_FIELDS.includes(type)) {
    fillMessage(bot, payload, { isNew: !type.startsWith('edited_') });
  } else if (type === 'my_chat_member' || type === 'chat_member') {
    validateChat(payload.chat);
    validateUser(payload.from);
    need(payload.new_chat_member && payload.new_chat_member.user, 'new_chat_member.user is required');
    need(payload.old_chat_member && payload.old_chat_member.user, 'old_chat_member.user is required');
    if (payload.date === undefined) payload.date = now();
    payload.from = normalizeUser(bot, payload.from);
    payload.old_chat_member.user = normalizeUser(bot, payload.old_chat_member.user);
    payload.new_chat_member.user = normalizeUser(bot, payload.new_chat_member.user);
    rememberChat(bot, payload.chat);
    rememberUser(bot, payload.from);
    const member = payload.new_chat_member;
    if (MEMBER_STATUSES.has(member.status) && isInt(member.user.id)) {
      const { status, user, ...fields } = member;
      if (user.id !== bot.id) rememberUser(bot, user);
      bot.members.set(`${payload.chat.id}:${user.id}`, { status, fields });
    }
  } else if (type === 'callback_query') {
    validateUser(payload.from);
    payload.from = normalizeUser(bot, payload.from);
    if (payload.id === undefined) payload.id = String(nextCallbackId++);
    payload.id = String(payload.id);
    if (payload.chat_instance === undefined) payload.chat_instance = String(bot.id);
    bot.callbacks.set(payload.id, { answered: false, answer: null });
  }
  const queued = enqueue(bot, { [type]: payload });
  return { update_id: queued.update_id, update: clone(queued) };
}

function pressButton(bot, body) {
  const chatId = clientInt(body.chatId, 'chatId');
  const messageId = clientInt(body.messageId, 'messageId');
  need(typeof body.data === 'string' && body.data !== '', 'data (callback_data) is required');
  validateUser(body.from);
  const record = findBotRecord(bot, chatId, messageId);
  need(record, `no bot message ${messageId} in chat ${chatId}`);
  const buttons = record.reply_markup && Array.isArray(record.reply_markup.inline_keyboard)
    ? record.reply_markup.inline_keyboard.flat() : [];
  need(buttons.some((b) => b && b.callback_data === body.data),
    `message ${messageId} has no inline button with callback_data ${JSON.stringify(body.data)}`);
  rememberUser(bot, body.from);
  const id = String(nextCallbackId++);
  bot.callbacks.set(id, { answered: false, answer: null });
  const callbackQuery = {
    id,
    from: { is_bot: false, ...clone(body.from) },
    message: messageFromRecord(bot, record), // full message with message_id/date (fault 4)
    chat_instance: `${Math.abs(chatId)}${bot.id}`.slice(0, 19), // fault 3
    data: body.data,
  };
  const update = enqueue(bot, { callback_query: callbackQuery });
  return { update_id: update.update_id, callback_query_id: id };
}

const CLIENT_ROUTES = {
  '/sendMessage': (body) => addUserMessage(clientBot(body), body, { command: false }),
  '/sendCommand': (body) => addUserMessage(clientBot(body), body, { command: true }),
  '/sendCallback': (body) => pressButton(clientBot(body), body),
  '/sendUpdate': (body) => addRawUpdate(clientBot(body), body),

  '/setChat': (body) => {
    const bot = clientBot(body);
    validateChat(body.chat);
    rememberChat(bot, body.chat);
    return chatFor(bot, body.chat.id);
  },

  '/setChatMember': (body) => {
    const bot = clientBot(body);
    const chatId = clientInt(body.chatId, 'chatId');
    const userId = clientInt(body.userId, 'userId');
    need(MEMBER_STATUSES.has(body.status), `status must be one of ${[...MEMBER_STATUSES].join(', ')}`);
    need(body.fields === undefined || (body.fields && typeof body.fields === 'object'), 'fields must be an object');
    if (body.user !== undefined) {
      validateUser(body.user);
      need(body.user.id === userId, 'user.id must equal userId');
      rememberUser(bot, body.user);
    }
    bot.members.set(`${chatId}:${userId}`, { status: body.status, fields: clone(body.fields) || {} });
    changed();
    return memberObject(bot, chatId, userId);
  },

  '/setPrivacyMode': (body) => {
    const bot = clientBot(body);
    need(typeof body.enabled === 'boolean', 'enabled must be a boolean');
    bot.privacy = body.enabled;
    return true;
  },

  '/failNext': (body) => {
    const bot = clientBot(body);
    const errorCode = clientInt(body.errorCode === undefined ? 403 : body.errorCode, 'errorCode');
    need(errorCode >= 400 && errorCode <= 599, 'errorCode must be an HTTP error status');
    const count = clientInt(body.count === undefined ? 1 : body.count, 'count');
    need(count >= 1, 'count must be >= 1');
    const method = body.method === undefined ? 'sendMessage' : body.method;
    need(typeof method === 'string' && method !== '', 'method must be a string');
    const chatId = body.chatId === undefined || body.chatId === null ? null : clientInt(body.chatId, 'chatId');
    let parameters = body.parameters === undefined ? undefined : clone(body.parameters);
    let description = body.description;
    if (errorCode === 429) {
      const retryAfter = clientInt(body.retryAfter === undefined ? 1 : body.retryAfter, 'retryAfter');
      parameters = { ...(parameters || {}), retry_after: retryAfter };
      if (description === undefined) description = `Too Many Requests: retry after ${retryAfter}`;
    }
    if (description === undefined) description = DEFAULT_DESCRIPTIONS[errorCode] || `Error ${errorCode}`;
    need(typeof description === 'string', 'description must be a string');
    bot.failures.push({ method, chatId, remaining: count, errorCode, description, parameters });
    return true;
  },

  '/getPendingUpdates': (body) => clone(clientBot(body).pending),
};

// Long-polling client routes: {…, timeout} in seconds, answer once the condition holds.
const CLIENT_WAIT_ROUTES = {
  '/getBotMessages': (body, res) => {
    const bot = clientBot(body);
    const chatId = body.chatId === undefined || body.chatId === null ? null : clientInt(body.chatId, 'chatId');
    const afterSeq = clientInt(body.afterSeq === undefined ? 0 : body.afterSeq, 'afterSeq');
    const minCount = clientInt(body.minCount === undefined ? 0 : body.minCount, 'minCount');
    const select = () => bot.botMessages.filter((r) => r.seq > afterSeq && (chatId === null || r.chat_id === chatId));
    waitAndAnswer(res, () => select().length >= minCount, body.timeout, () => select().map(recordView));
  },
  '/getBotMessage': (body, res) => {
    const bot = clientBot(body);
    const chatId = clientInt(body.chatId, 'chatId');
    const messageId = clientInt(body.messageId, 'messageId');
    const minEditCount = clientInt(body.minEditCount === undefined ? 0 : body.minEditCount, 'minEditCount');
    const find = () => bot.botMessages.find((r) => r.chat_id === chatId && r.message_id === messageId);
    need(find(), `no bot message ${messageId} in chat ${chatId}`);
    waitAndAnswer(res, () => find().edit_count >= minEditCount, body.timeout, () => recordView(find()));
  },
  '/getCalls': (body, res) => {
    const bot = clientBot(body);
    const afterSeq = clientInt(body.afterSeq === undefined ? 0 : body.afterSeq, 'afterSeq');
    const minCount = clientInt(body.minCount === undefined ? 0 : body.minCount, 'minCount');
    need(body.method === undefined || typeof body.method === 'string', 'method must be a string');
    const select = () => bot.calls.filter((c) => c.seq > afterSeq
      && (body.method === undefined || c.method.toLowerCase() === body.method.toLowerCase()));
    waitAndAnswer(res, () => select().length >= minCount, body.timeout, () => clone(select()));
  },
};

function sendClientError(res, error) {
  if (!res.headersSent) res.status(400).json({ ok: false, error_code: 400, description: error.message });
}

// ---------------------------------------------------------------------------------------------
// Wiring: reuse the library's Express app, replace its routes
// ---------------------------------------------------------------------------------------------

// Never started: no port 9000 (fault 10), no 60 s purge daemon (fault 11).
const library = new TelegramServer({ host: HOST, port: 1 });
const app = library.webServer;
const stack = app._router && app._router.stack;
assert(Array.isArray(stack), 'unexpected telegram-test-api/express layout: no router stack');
const firstRoute = stack.findIndex((layer) => layer.route);
assert(firstRoute > 0, 'unexpected telegram-test-api/express layout: no routes');
stack.splice(firstRoute); // keep the library's parsers and logger, drop its routes and handlers

if (VERBOSE) {
  app.use((req, _res, next) => {
    log(req.method, req.path.replace(/^\/bot[^/]+/, '/bot<token>'));
    next();
  });
}
app.get('/health', (_req, res) => res.json({ ok: true, result: true }));
app.all('/bot:token/:method', (req, res) => {
  if (req.method !== 'GET' && req.method !== 'POST') {
    sendError(res, badRequest(`HTTP method ${req.method} is not allowed`));
    return;
  }
  handleBotApi(req, res);
});
for (const [path, handler] of Object.entries(CLIENT_ROUTES)) {
  app.post(path, (req, res) => {
    try {
      sendOk(res, handler(req.body || {}));
    } catch (error) {
      if (!(error instanceof ClientError)) log(`error in ${path}:`, error.stack);
      sendClientError(res, error);
    }
  });
}
for (const [path, handler] of Object.entries(CLIENT_WAIT_ROUTES)) {
  app.post(path, (req, res) => {
    try {
      handler(req.body || {}, res);
    } catch (error) {
      if (!(error instanceof ClientError)) log(`error in ${path}:`, error.stack);
      sendClientError(res, error);
    }
  });
}
app.use((req, res) => {
  res.status(404).json({ ok: false, error_code: 404, description: `Not Found: ${req.method} ${req.path}` });
});
// Body-parser failures (bad JSON, too large) and anything thrown: answer, never crash.
app.use((error, _req, res, _next) => {
  const code = Number.isInteger(error.status) && error.status >= 400 && error.status < 600 ? error.status : 500;
  if (code === 500) log('unhandled error:', error.stack);
  if (!res.headersSent) {
    res.status(code).json({ ok: false, error_code: code, description: `Bad Request: ${error.message}` });
  }
});

process.on('uncaughtException', (error) => log('uncaught exception:', error.stack));
process.on('unhandledRejection', (error) => log('unhandled rejection:', error && error.stack));

const server = http.createServer(app);
// No idle keep-alive timeout: PTB's pooled connections must not be closed under it mid-test.
server.keepAliveTimeout = 0;
const sockets = new Set();
server.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});

let stopping = false;
function shutdown() {
  if (stopping) return;
  stopping = true;
  server.close(() => process.exit(0));
  for (const socket of sockets) socket.destroy(); // long polls would keep close() waiting
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
if (EXIT_ON_STDIN_CLOSE) {
  process.stdin.on('end', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.resume();
}

server.listen(PORT, HOST, () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
