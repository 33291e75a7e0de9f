#include "io/media_decoder.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

#include <algorithm>

namespace auralis::io {
namespace {

std::string avText(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buf, sizeof buf);
  return buf;
}

/// libavformat reads and probes its own way; keep its console chatter out of our logs.
void quietLogs() {
  static const bool once = [] {
    av_log_set_level(AV_LOG_FATAL);
    return true;
  }();
  (void)once;
}

}  // namespace

struct MediaDecoder::State {
  AVFormatContext* format = nullptr;
  AVCodecContext* codec = nullptr;
  SwrContext* swr = nullptr;
  AVPacket* packet = nullptr;
  AVFrame* frame = nullptr;
  int stream = -1;
  bool flushed = false;  // the decoder has been sent the end of the stream
  bool ended = false;    // and has given back everything it held

  ~State() {
    av_frame_free(&frame);
    av_packet_free(&packet);
    swr_free(&swr);
    avcodec_free_context(&codec);
    avformat_close_input(&format);
  }
};

MediaDecoder::MediaDecoder(std::unique_ptr<State> state) : state_(std::move(state)) {}
MediaDecoder::~MediaDecoder() = default;

Result<std::unique_ptr<MediaDecoder>> MediaDecoder::open(const std::string& path) {
  quietLogs();
  auto st = std::make_unique<State>();
  int rc = avformat_open_input(&st->format, path.c_str(), nullptr, nullptr);
  if (rc < 0)
    return makeError("not_decodable",
                     "not an audio or video file the decoder reads (" + avText(rc) + ")");
  rc = avformat_find_stream_info(st->format, nullptr);
  if (rc < 0) return makeError("not_decodable", "the media file is damaged: " + avText(rc));
  MediaInfo info;
  info.container = st->format->iformat->name;
  for (unsigned i = 0; i < st->format->nb_streams; ++i) {
    const auto type = st->format->streams[i]->codecpar->codec_type;
    const auto disposition = st->format->streams[i]->disposition;
    // A cover picture in an audio file is not a video.
    if (type == AVMEDIA_TYPE_VIDEO && !(disposition & AV_DISPOSITION_ATTACHED_PIC))
      info.hasVideo = true;
  }
  const AVCodec* decoder = nullptr;
  st->stream = av_find_best_stream(st->format, AVMEDIA_TYPE_AUDIO, -1, -1, &decoder, 0);
  if (st->stream == AVERROR_STREAM_NOT_FOUND)
    return makeError("no_audio", info.hasVideo ? "the video has no audio stream"
                                               : "the file has no audio stream");
  if (st->stream < 0 || decoder == nullptr)
    return makeError("not_decodable", "no decoder for the file's audio stream");
  AVStream* stream = st->format->streams[st->stream];
  st->codec = avcodec_alloc_context3(decoder);
  if (st->codec == nullptr) return makeError("internal", "out of memory opening the decoder");
  if ((rc = avcodec_parameters_to_context(st->codec, stream->codecpar)) < 0 ||
      (rc = avcodec_open2(st->codec, decoder, nullptr)) < 0)
    return makeError("not_decodable", "cannot open the audio decoder: " + avText(rc));
  if (st->codec->sample_rate <= 0 || st->codec->ch_layout.nb_channels <= 0)
    return makeError("not_decodable", "the audio stream has no sample rate or channel count");

  info.codec = decoder->name;
  info.sampleRate = st->codec->sample_rate;
  const int inChannels = st->codec->ch_layout.nb_channels;
  info.channels = inChannels <= 8 ? inChannels : 2;
  if (st->format->duration != AV_NOPTS_VALUE && st->format->duration > 0)
    info.durationSeconds = static_cast<double>(st->format->duration) / AV_TIME_BASE;
  else if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0)
    info.durationSeconds = static_cast<double>(stream->duration) * av_q2d(stream->time_base);

  // Convert whatever the codec gives (planar, int, double) to interleaved
  // float at the same rate, keeping the channels (mixing down past 8).
  AVChannelLayout outLayout{};
  if (inChannels <= 8)
    av_channel_layout_copy(&outLayout, &st->codec->ch_layout);
  else
    av_channel_layout_default(&outLayout, 2);
  rc = swr_alloc_set_opts2(&st->swr, &outLayout, AV_SAMPLE_FMT_FLT, info.sampleRate,
                           &st->codec->ch_layout, st->codec->sample_fmt, info.sampleRate, 0,
                           nullptr);
  av_channel_layout_uninit(&outLayout);
  if (rc < 0 || (rc = swr_init(st->swr)) < 0)
    return makeError("not_decodable", "cannot convert the audio's sample format: " + avText(rc));
  st->packet = av_packet_alloc();
  st->frame = av_frame_alloc();
  if (st->packet == nullptr || st->frame == nullptr)
    return makeError("internal", "out of memory opening the decoder");
  auto decoderObj = std::unique_ptr<MediaDecoder>(new MediaDecoder(std::move(st)));
  decoderObj->info_ = std::move(info);
  return decoderObj;
}

Result<bool> MediaDecoder::pump(std::vector<float>& out) {
  // One decoded frame if the codec has one ready, else feed it one packet.
  State& st = *state_;
  const int got = avcodec_receive_frame(st.codec, st.frame);
  if (got == 0) {
    const int channels = info_.channels;
    const int capacity = swr_get_out_samples(st.swr, st.frame->nb_samples);
    out.resize(static_cast<std::size_t>(std::max(capacity, 0)) *
               static_cast<std::size_t>(channels));
    auto* dst = reinterpret_cast<std::uint8_t*>(out.data());
    const int n = swr_convert(st.swr, &dst, capacity,
                              const_cast<const std::uint8_t**>(st.frame->extended_data),
                              st.frame->nb_samples);
    av_frame_unref(st.frame);
    if (n < 0) {
      ++corrupt_;
      out.clear();
      return true;
    }
    out.resize(static_cast<std::size_t>(n) * static_cast<std::size_t>(channels));
    return true;
  }
  if (got == AVERROR_EOF) {
    st.ended = true;
    return false;
  }
  if (got != AVERROR(EAGAIN)) {
    ++corrupt_;  // a damaged frame: skip it
    return true;
  }
  if (st.flushed) {
    st.ended = true;
    return false;
  }
  for (;;) {
    const int rc = av_read_frame(st.format, st.packet);
    if (rc == AVERROR_EOF || rc == AVERROR(EIO) || rc == AVERROR_INVALIDDATA) {
      // The end, or a tail too damaged to read: drain what the decoder holds.
      if (rc != AVERROR_EOF) ++corrupt_;
      avcodec_send_packet(st.codec, nullptr);
      st.flushed = true;
      return true;
    }
    if (rc < 0) return makeError("not_decodable", "reading the media file failed: " + avText(rc));
    const bool ours = st.packet->stream_index == st.stream;
    const int sent = ours ? avcodec_send_packet(st.codec, st.packet) : 0;
    av_packet_unref(st.packet);
    if (!ours) continue;
    if (sent < 0 && sent != AVERROR(EAGAIN)) ++corrupt_;
    return true;
  }
}

Result<std::size_t> MediaDecoder::read(std::vector<float>& out) {
  out.clear();
  while (!state_->ended) {
    auto more = pump(out);
    if (!more) return more.error();
    if (!out.empty()) return out.size() / static_cast<std::size_t>(info_.channels);
  }
  return std::size_t{0};
}

Result<std::int64_t> MediaDecoder::decodeAll(
    const std::function<void(const float*, std::size_t)>& onBlock) {
  std::vector<float> block;
  std::int64_t total = 0;
  for (;;) {
    auto n = read(block);
    if (!n) return n.error();
    if (n.value() == 0) break;
    onBlock(block.data(), n.value());
    total += static_cast<std::int64_t>(n.value());
  }
  if (total == 0)
    return makeError("not_decodable", "no audio could be decoded from the file (damaged or empty)");
  return total;
}

Status MediaDecoder::seek(double seconds) {
  State& st = *state_;
  const auto target = static_cast<std::int64_t>(std::max(seconds, 0.0) * AV_TIME_BASE);
  const int rc = av_seek_frame(st.format, -1, target, AVSEEK_FLAG_BACKWARD);
  if (rc < 0) return makeError("not_decodable", "cannot seek in the media file: " + avText(rc));
  avcodec_flush_buffers(st.codec);
  swr_init(st.swr);  // drop samples buffered for the old position
  st.flushed = false;
  st.ended = false;
  return Ok{};
}

}  // namespace auralis::io
