package org.criuatlas.bridge.server;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.databind.module.SimpleModule;
import org.criuatlas.bridge.criu.log.CriuLogLine;
import org.criuatlas.model.IpcGraph;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The JSON inside bridge frames: the model's own records (and the host's requests and outcomes, also
 * records) as they are, so that one model has one shape on both ends of a bridge. Records are written
 * by their components; a sealed interface of {@code org.criuatlas} carries its concrete class in
 * {@code "@type"} (only classes of {@code org.criuatlas} are accepted there); {@link IpcGraph} goes as
 * {@link GraphWire}. This is a wire format between two CRIU Atlas processes of the same protocol
 * version, not the documented JSON of the commands (org.criuatlas.json, docs/json.md).
 */
public final class BridgeJson {
    private static final ObjectMapper MAPPER = build();

    private BridgeJson() {}

    public static byte[] write(Object value) {
        try {
            // a member of a sealed interface goes as that interface, so that its type id is written at the root too
            for (Class<?> i : value.getClass().getInterfaces()) {
                if (i.isSealed() && i.getName().startsWith("org.criuatlas.")) return MAPPER.writerFor(i).writeValueAsBytes(value);
            }
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getMessage(), e);
        }
    }

    /** Reads {@code type} from {@code json}; a document of another shape is an IOException. */
    public static <T> T read(byte[] json, Class<T> type) throws IOException {
        try {
            T v = MAPPER.readValue(json, type);
            if (v == null) throw new IOException("null " + type.getSimpleName());
            return v;
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            // a record's constructor refusing a value arrives wrapped or bare: either way, bad input
            throw new IOException("not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static ObjectMapper build() {
        SimpleModule m = new SimpleModule("criu-atlas-bridge");
        m.addSerializer(Instant.class, new JsonSerializer<>() {
            @Override
            public void serialize(Instant v, JsonGenerator g, SerializerProvider p) throws IOException { g.writeString(v.toString()); }
        });
        m.addDeserializer(Instant.class, new JsonDeserializer<>() {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext c) throws IOException { return Instant.parse(p.getValueAsString()); }
        });
        m.addSerializer(Duration.class, new JsonSerializer<>() {
            @Override
            public void serialize(Duration v, JsonGenerator g, SerializerProvider p) throws IOException { g.writeString(v.toString()); }
        });
        m.addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext c) throws IOException { return Duration.parse(p.getValueAsString()); }
        });
        m.addSerializer(Path.class, new JsonSerializer<>() {
            @Override
            public void serialize(Path v, JsonGenerator g, SerializerProvider p) throws IOException { g.writeString(v.toString()); }

            @Override
            public Class<Path> handledType() { return Path.class; }
        });
        m.addDeserializer(Path.class, new JsonDeserializer<>() {
            @Override
            public Path deserialize(JsonParser p, DeserializationContext c) throws IOException {
                String s = p.getValueAsString();
                if (s == null || s.indexOf('\0') >= 0) throw new IOException("not a path: " + s);
                return Path.of(s);
            }
        });
        // a CRIU log line is its number and its text: the rest is parsed from them again on arrival, as the
        // log follower parsed it (a -v4 dump streams one per log line; the class has no creator Jackson could use)
        m.addSerializer(CriuLogLine.class, new JsonSerializer<>() {
            @Override
            public void serialize(CriuLogLine v, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeStartObject();
                g.writeNumberField("number", v.number());
                g.writeStringField("raw", v.raw());
                g.writeEndObject();
            }
        });
        m.addDeserializer(CriuLogLine.class, new JsonDeserializer<>() {
            @Override
            public CriuLogLine deserialize(JsonParser p, DeserializationContext c) throws IOException {
                if (!p.isExpectedStartObjectToken()) throw new IOException("a CRIU log line is an object");
                int number = 0;
                String raw = null;
                for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
                    p.nextToken();
                    if (f.equals("number")) number = p.getIntValue();
                    else if (f.equals("raw")) raw = p.getValueAsString();
                    else p.skipChildren(); // the parsed fields an older bridge wrote: parsed again here
                }
                if (raw == null) throw new IOException("a CRIU log line without its text");
                return CriuLogLine.unparsed(number, raw); // taken apart when a field is first asked for
            }
        });
        m.addSerializer(IpcGraph.class, new JsonSerializer<>() {
            @Override
            public void serialize(IpcGraph v, JsonGenerator g, SerializerProvider p) throws IOException {
                p.defaultSerializeValue(GraphWire.of(v), g);
            }
        });
        m.addDeserializer(IpcGraph.class, new JsonDeserializer<>() {
            @Override
            public IpcGraph deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return c.readValue(p, GraphWire.class).graph();
            }
        });
        ObjectMapper mapper = JsonMapper.builder()
                .configure(MapperFeature.AUTO_DETECT_GETTERS, false)
                .configure(MapperFeature.AUTO_DETECT_IS_GETTERS, false)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
                .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                .addModule(m)
                .build();
        BasicPolymorphicTypeValidator ours = BasicPolymorphicTypeValidator.builder().allowIfSubType("org.criuatlas.").build();
        mapper.setDefaultTyping(new SealedTyping(ours));
        return mapper;
    }

    /** Type ids on the sealed interfaces of org.criuatlas only (FdDetail, DumpOutcome, HostEvent, ...). */
    private static final class SealedTyping extends ObjectMapper.DefaultTypeResolverBuilder {
        SealedTyping(BasicPolymorphicTypeValidator v) {
            super(ObjectMapper.DefaultTyping.NON_FINAL, v);
            init(JsonTypeInfo.Id.CLASS, null);
            inclusion(JsonTypeInfo.As.PROPERTY);
            typeProperty("@type");
        }

        @Override
        public boolean useForType(JavaType t) {
            Class<?> c = t.getRawClass();
            return c.isInterface() && c.isSealed() && c.getName().startsWith("org.criuatlas.");
        }
    }
}
