package io.driftless.inference.server;

import static io.driftless.inference.onnx.OnnxModelBuilder.intAttribute;
import static io.driftless.inference.onnx.OnnxModelBuilder.intsAttribute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import io.driftless.inference.onnx.OnnxModelBuilder;
import io.driftless.inference.onnx.proto.Onnx.TensorProto.DataType;
import io.driftless.inference.testutils.RunningServer;
import io.driftless.inference.vision.ModelFolderException;
import io.driftless.proto.AnnotatedFrame;
import io.driftless.proto.Box;
import io.driftless.proto.Detection;
import io.driftless.proto.DropReason;
import io.driftless.proto.Frame;
import io.driftless.proto.Image;
import io.driftless.proto.InferRequest;
import io.driftless.proto.InferResponse;
import io.driftless.proto.InferenceServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's image model from a model folder, served over the server's real gRPC port. */
class ServedImageModelTest {

    @TempDir
    Path dir;

    /**
     * A detector of cats and dogs in YOLO's raw layout, 64 x 64 input, that finds one dog (score
     * 0.9) centred at (20, 30), 10 x 10 model pixels, in every image.
     */
    static byte[] oneDogDetector() {
        float[] dog = {20, 30, 10, 10, 0.1f, 0.9f};
        return OnnxModelBuilder.forGraph("one-dog")
                .input("images", DataType.FLOAT, OnnxModelBuilder.BATCH, 3, 64, 64)
                .initializer("zero", new float[] {0f}, 1)
                .initializer("perImage", new long[] {0, 1, 1}, 3)
                .initializer("answer", dog, 1, 6, 1)
                // [N, 1, 1] zeros added to the answer: the answer broadcast over the batch
                .node("ReduceMean", List.of("images"), List.of("mean"), intsAttribute("axes", 1, 2, 3),
                        intAttribute("keepdims", 1))
                .node("Reshape", List.of("mean", "perImage"), List.of("mean3"))
                .node("Mul", List.of("mean3", "zero"), List.of("zeros"))
                .node("Add", List.of("zeros", "answer"), List.of("output0"))
                .output("output0", DataType.FLOAT, OnnxModelBuilder.BATCH, 6, 1)
                .toByteArray();
    }

    private Path folder(String descriptor) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("pets"));
        Files.writeString(folder.resolve("model.properties"), descriptor);
        Files.write(folder.resolve("model.onnx"), oneDogDetector());
        Files.writeString(folder.resolve("labels.txt"), "cat\ndog\n");
        return folder;
    }

    private static byte[] greyJpeg(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, 0x808080);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    @Test
    void answersAJpegWithTheObjectsOfTheUsersDetectorAndTheirClassIds() throws Exception {
        Path folder = folder("family = detection\nname = pets\nlabels = labels.txt\n");
        try (RunningServer server = RunningServer.withImageModel(folder)) {
            ManagedChannel channel = Grpc.newChannelBuilder(server.target(), InsecureChannelCredentials.create())
                    .build();
            try {
                InferRequest request = InferRequest.newBuilder()
                        .setRequestId(3)
                        .setModel("pets")
                        .setRemainingBudgetUs(5_000_000)
                        .setFrame(Frame.newBuilder().setSessionId("alice").setSequence(3).setImage(Image.newBuilder()
                                .setJpeg(ByteString.copyFrom(greyJpeg(128, 64))).setWidth(128).setHeight(64)))
                        .build();
                InferenceServiceGrpc.InferenceServiceBlockingStub stub = InferenceServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(30, TimeUnit.SECONDS);

                InferResponse answer = stub.infer(request);

                assertThat(answer.hasAnnotated()).as("answer: %s", answer.getDropped().getDetail()).isTrue();
                AnnotatedFrame annotated = answer.getAnnotated();
                assertThat(annotated.getModel()).isEqualTo("pets");
                assertThat(annotated.getSequence()).isEqualTo(3);
                assertThat(annotated.getJpeg().size()).isPositive();
                assertThat(annotated.getClassesCount()).isZero();
                Detection dog = annotated.getDetectionsList().get(0);
                assertThat(annotated.getDetectionsList()).hasSize(1);
                assertThat(dog.getClassId()).isEqualTo(1);
                assertThat(dog.getLabel()).isEqualTo("dog");
                assertThat(dog.getScore()).isCloseTo(0.9f, within(1e-6f));
                // 128 x 64 letterboxed into 64 x 64: scale 0.5, 16 model pixels of border above and below
                Box box = dog.getBox();
                assertThat(new float[] {box.getXMin(), box.getYMin(), box.getXMax(), box.getYMax()})
                        .containsExactly(new float[] {30, 18, 50, 38}, within(1e-3f));

                InferResponse landmarks = stub.infer(request.toBuilder()
                        .setFrame(Frame.newBuilder().setSessionId("alice").setSequence(4)).build());
                assertThat(landmarks.getDropped().getReason()).isEqualTo(DropReason.INVALID);
                assertThat(landmarks.getDropped().getDetail()).isEqualTo("the image model pets needs an image");
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void refusesAFolderThatDoesNotMatchItsDescriptorOrTakesABundledModelsName() throws Exception {
        assertThatThrownBy(() -> RunningServer.withImageModel(folder("family = detection\noutput.layout = nms\n")))
                .isInstanceOf(ModelFolderException.class)
                .hasMessageContaining("is not the YOLO NMS layout");
        Files.writeString(dir.resolve("pets").resolve("model.properties"),
                "family = detection\nname = pose-v1\nlabels = labels.txt\n");
        assertThatThrownBy(() -> RunningServer.withImageModel(dir.resolve("pets")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is named 'pose-v1', as a model this server already serves");
    }
}
